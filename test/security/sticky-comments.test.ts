import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, STANDIN_APP, type Harness } from "../../demo/harness.js";
import { postCommand } from "../../demo/scenarios/command.js";
import { DEMO_MAINTAINER, issueFixScript, setupIssueFix } from "../../demo/scenarios/issue-fix.js";
import { DEMO_REPO } from "../../demo/scenarios/ci-failure-fixture.js";
import { upsertStickyComment } from "../../src/github/sticky-comment.js";
import { jobIdForKey } from "../../src/jobs/job-id.js";

// Finding 10: sticky comments on long threads cost one request an edit, and only the App's own comments can be
// the sticky one (a planted marker in someone else's comment captures nothing).
type AnyJson = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ script: issueFixScript() });
}, 60_000);
afterAll(async () => h?.close());

describe("sticky comments", () => {
  it("[S10.1] a `/codex fix` on an issue with 3,000 comments → no full search of the thread; each progress edit is one request", async () => {
    const issue = await setupIssueFix(h, { repoName: "long-thread" });
    const old = new Date(Date.now() - 86_400_000).toISOString();
    for (let i = 0; i < 3000; i++) {
      const c = h.standIn.addComment(issue.repoFullName, issue.issueNumber, { body: `comment ${i}`, user: "chatty" });
      Object.assign(c, { created_at: old, updated_at: old });
    }
    const from = h.standIn.requests.length;
    const cmd = await postCommand(h, issue, { body: "/codex fix" });
    await h.deliver("issue_comment", cmd.payload);
    await h.waitForJob(cmd.key, 60_000);
    const fix = await h.waitForJob(`fix:${issue.repoFullName.toLowerCase()}#${issue.issueNumber}:cmd-issue-${cmd.commentId}`, 90_000);
    expect(fix.outcome).toMatch(/^pr-opened/);
    const mine = h.standIn.requests
      .slice(from)
      .filter((r) => r.path.includes(`/long-thread/issues/${issue.issueNumber}/comments`) && r.method === "GET");
    // One search per sticky comment (the fix's progress comment), over the comments of the last minutes only.
    expect(mine.length).toBeLessThanOrEqual(2);
    for (const r of mine) expect(r.path).toMatch(/since=/);
    const edits = h.standIn.requests.slice(from).filter((r) => r.method === "PATCH" && r.path.includes("/long-thread/issues/comments/"));
    expect(edits.length).toBeGreaterThan(0);
    const marker = `<!-- codex-dispatch:work:${jobIdForKey(fix.key)} -->`;
    const stickies = (h.standIn.snapshot().comments as AnyJson[]).filter((c) => String(c.body).includes(marker));
    expect(stickies).toHaveLength(1);
  });

  it("[S10.2] another bot's or a person's comment carrying the bot's marker → not captured; the App posts its own", async () => {
    const issue = await setupIssueFix(h, { repoName: "planted-marker" });
    const marker = "<!-- codex-dispatch:work:planted -->";
    h.standIn.addComment(issue.repoFullName, issue.issueNumber, { body: `hijack ${marker}`, user: "evil-bot[bot]", userType: "Bot" });
    h.standIn.addComment(issue.repoFullName, issue.issueNumber, { body: `quote ${marker}`, user: DEMO_MAINTAINER });
    const gh = await h.probot.auth(DEMO_REPO.installationId);
    const posted = await upsertStickyComment(gh, {
      owner: DEMO_REPO.owner,
      repo: "planted-marker",
      issueNumber: issue.issueNumber,
      marker,
      body: "ours",
      appSlug: STANDIN_APP.slug,
    });
    expect(posted.created).toBe(true);
    const again = await upsertStickyComment(gh, {
      owner: DEMO_REPO.owner,
      repo: "planted-marker",
      issueNumber: issue.issueNumber,
      marker,
      body: "ours, edited",
      appSlug: STANDIN_APP.slug,
    });
    expect(again).toMatchObject({ id: posted.id, created: false });
  });
});

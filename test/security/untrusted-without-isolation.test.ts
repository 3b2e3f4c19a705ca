import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../../demo/harness.js";
import { postCommand } from "../../demo/scenarios/command.js";
import { ciFailureScript, setupCiFailure } from "../../demo/scenarios/ci-failure.js";
import { DEMO_MAINTAINER } from "../../demo/scenarios/issue-fix.js";

// Finding 2: where agents are not isolated (they would run as the bot's own user and could read its key),
// code the repository does not trust gets no agent run at all, and the check run or the reply says why.
type AnyJson = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ script: ciFailureScript(), env: { AGENT_ISOLATION: "off" } });
}, 60_000);
afterAll(async () => h?.close());

describe("without agent isolation", () => {
  it("[S2.3] a fork PR's failed run, isolation off → no agent run; the check run and the PR say why", async () => {
    const ci = await setupCiFailure(h, { repoName: "noiso-fork", fork: true });
    const before = h.model.requests.length;
    await h.deliver("workflow_run", ci.payload);
    const record = await h.waitForJob(ci.key, 60_000);
    expect(record.outcome).toBe("refused: untrusted code without isolation");
    expect(h.model.requests.length).toBe(before);
    const snap = h.standIn.snapshot();
    const check = (snap.checkRuns as AnyJson[]).find((c) => c.head_sha === ci.headSha)!;
    expect(check.output.title).toBe("Codex did not run on untrusted code");
    expect(check.output.summary).toMatch(/comes from a fork, and agent isolation is off/);
    const comment = (snap.comments as AnyJson[]).find((c) => String(c.issue_url).endsWith(`/noiso-fork/issues/${ci.prNumber}`));
    expect(comment?.body).toMatch(/Codex triage did not run/);
    await ci.remote.cleanup();
  });

  it("[S2.4] `/codex explain` on a PR opened by someone without write access, isolation off → refused with the reason, no agent run", async () => {
    const ci = await setupCiFailure(h, { repoName: "noiso-author", prAuthor: "drive-by-dana" });
    h.standIn.setPermission(ci.repoFullName, DEMO_MAINTAINER, "write");
    const before = h.model.requests.length;
    const c = await postCommand(
      h,
      { repoFullName: ci.repoFullName, issueNumber: ci.prNumber, payload: ci.payload },
      { body: "/codex explain what changed?" },
    );
    await h.deliver("issue_comment", c.payload);
    await h.waitForJob(c.key, 60_000);
    const explain = await h.waitForJob(`explain:${ci.repoFullName.toLowerCase()}#${ci.prNumber}:issue-${c.commentId}`, 60_000);
    expect(explain.outcome).toBe("refused: untrusted code without isolation");
    expect(h.model.requests.length).toBe(before);
    const reply = (h.standIn.snapshot().comments as AnyJson[])
      .filter((x) => String(x.issue_url).endsWith(`/noiso-author/issues/${ci.prNumber}`))
      .at(-1);
    expect(reply?.body).toMatch(/opened by someone without write access, and agent isolation is off/);
    await ci.remote.cleanup();
  });

  it("[S2.5] a push to the repository's own branch (trusted code), isolation off → triaged as usual", async () => {
    const ci = await setupCiFailure(h, { repoName: "noiso-push", withPullRequest: false });
    await h.deliver("workflow_run", ci.payload);
    const record = await h.waitForJob(ci.key, 90_000);
    expect(record.outcome).toMatch(/^explained: /);
    await ci.remote.cleanup();
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../../demo/harness.js";
import { issueFixScript, setupIssueFix, type IssueFixSetup } from "../../demo/scenarios/issue-fix.js";
import { runGit } from "../../src/workspace/git.js";

// A labelled issue becomes a draft PR: the real codex binary edits a real worktree (workspace-write), the
// bot checks the diff, runs the verify command in the sandbox before and after, commits through the Git
// Data API of the stand-in (which writes real objects into the bare remote) and opens the PR.
type AnyJson = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
let h: Harness;
let setup: IssueFixSetup;

beforeAll(async () => {
  h = await startHarness({ script: issueFixScript() });
  setup = await setupIssueFix(h);
  await h.deliver("issues", setup.payload, setup.deliveryId);
  await h.waitForJob(setup.key, 90_000);
}, 120_000);

afterAll(async () => {
  await setup?.remote.cleanup();
  await h?.close();
});

describe("an issue labelled codex", () => {
  it("ends with one draft PR on a codex/ branch that says Fixes #N and carries the hand-off block", async () => {
    const { getJobRecord } = await import("../../src/jobs/records.js");
    const record = await getJobRecord(h.db, setup.key);
    expect(record?.error).toBeNull();
    expect(record).toMatchObject({ status: "succeeded", outcome: expect.stringMatching(/^pr-opened #\d+$/) });
    const { pullRequests } = h.standIn.snapshot() as unknown as { pullRequests: AnyJson[] };
    expect(pullRequests).toHaveLength(1);
    const [pr] = pullRequests;
    expect(pr.draft).toBe(true);
    expect(pr.head.ref).toBe(`codex/issue/${setup.issueNumber}`);
    expect(pr.base.ref).toBe("main");
    expect(pr.title).toBe("Make sum add its arguments");
    expect(pr.body).toContain(`Fixes #${setup.issueNumber}`);
    expect(pr.body).toContain("Hand-off for reviewers and agents");
    const handoff = JSON.parse(/```json\n([\s\S]*?)\n```/.exec(pr.body)![1]);
    expect(handoff).toMatchObject({
      version: 1,
      files: [{ path: "src/sum.js", status: "modified", added: 1, removed: 1 }],
      verify: { command: "node --test" },
      agent: "codex",
      model: "gpt-5.5",
    });
    // The cost is the tokens at gpt-5.5's default price, and the PR's footer names the agent, tokens and cost.
    expect(handoff.cost_usd).toBeGreaterThan(0);
    expect(handoff.tokens.input).toBeGreaterThan(0);
    expect(pr.body).toMatch(
      /Drafted by codex-dispatch · confidence \w+ · Codex \(`gpt-5\.5`; chosen by agent\.backend: codex\) · [\d,]+ tokens · (\$\d+\.\d\d|<\$0\.01) · /,
    );
  });

  it("says the verify command went from failing to passing", () => {
    const { pullRequests } = h.standIn.snapshot() as unknown as { pullRequests: AnyJson[] };
    expect(pullRequests[0].body).toMatch(/`node --test`: before the change failed \(exit \d+\), after it passed/);
  });

  it("committed exactly the agent's edit, as the App (Verified), on the bot's branch of the real remote", async () => {
    const branch = `codex/issue/${setup.issueNumber}`;
    const content = await runGit(["show", `${branch}:src/sum.js`], { cwd: setup.remote.url });
    expect(content).toContain("return a + b;");
    const files = await runGit(["diff", "--name-only", "main", branch], { cwd: setup.remote.url });
    expect(files.trim()).toBe("src/sum.js");
    const { commits } = h.standIn.snapshot() as unknown as { commits: AnyJson[] };
    expect(commits.at(-1)?.verification?.verified).toBe(true);
  });

  it("labels the PR, requests the configured reviewer, mentions the reviewing agent and reports on the issue", () => {
    const snap = h.standIn.snapshot() as unknown as { pullRequests: AnyJson[]; comments: AnyJson[] };
    const pr = snap.pullRequests[0];
    expect((pr.labels as AnyJson[]).map((l) => l.name)).toContain("codex");
    expect((pr.requested_reviewers as AnyJson[]).map((r) => r.login)).toContain("maintainer-mona");
    const onPr = snap.comments.filter((c) => String(c.issue_url).endsWith(`/issues/${pr.number}`));
    expect(onPr.map((c) => c.body)).toContain("@claude review");
    const onIssue = snap.comments.filter((c) => String(c.issue_url).endsWith(`/issues/${setup.issueNumber}`));
    expect(onIssue).toHaveLength(1);
    expect(onIssue[0].body).toContain(`Codex drafted #${pr.number}`);
  });

  it("never opens a second PR or branch when the same label event is delivered again", async () => {
    await h.deliver("issues", setup.payload, setup.deliveryId);
    await new Promise((r) => setTimeout(r, 1500));
    const { pullRequests } = h.standIn.snapshot() as unknown as { pullRequests: AnyJson[] };
    expect(pullRequests).toHaveLength(1);
  });
});

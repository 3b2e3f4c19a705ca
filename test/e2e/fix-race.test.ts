import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../../demo/harness.js";
import { DEMO_MAINTAINER, demoFixAnswer, issueFixScript, setupIssueFix } from "../../demo/scenarios/issue-fix.js";
import { bash, structured } from "../../demo/scripted-messages.js";
import { postCommand } from "../../demo/scenarios/command.js";
import { commandFixKey, raceJudgeKey } from "../../src/jobs/keys.js";
import { runGit } from "../../src/workspace/git.js";

// Races ([8/13]): with fix.race both agents attempt the same fix at once, each in its own checkout (the real
// codex and claude binaries, scripted models); both diffs go through the policy and the verify command, and the
// winner is the one that turned the check from failing to passing, then the smaller diff, then the lower cost.
type AnyJson = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const CONFIG = "fix:\n  race: true\n  verify_command: node --test\n";
// Claude's fix: correct, with a comment line more than Codex's one-line fix.
const CLAUDE_FIX = bash("printf 'export function sum(a, b) {\\n  // Adds its arguments.\\n  return b + a;\\n}\\n' > src/sum.js");
const WRONG_PATCH = [
  "*** Begin Patch",
  "*** Update File: src/sum.js",
  "@@",
  " export function sum(a, b) {",
  "-  return a - b;",
  "+  return a * b;",
  " }",
  "*** End Patch",
].join("\n");

let h: Harness;
const cleanups: (() => Promise<void>)[] = [];
let n = 0;

beforeAll(async () => {
  h = await startHarness({ script: issueFixScript(), claudeScript: [CLAUDE_FIX, structured(demoFixAnswer())] });
}, 60_000);
afterAll(async () => {
  for (const c of cleanups) await c();
  await h?.close();
});

let claudePr: { repoFullName: string; pr: AnyJson; remote: string } | null = null;

async function race() {
  const setup = await setupIssueFix(h, { repoName: `race-${++n}`, config: CONFIG });
  cleanups.push(() => setup.remote.cleanup());
  const codexCalls = h.model.requests.length;
  const claudeCalls = h.claude!.requests.length;
  await h.deliver("issues", setup.payload, setup.deliveryId);
  const record = await h.waitForJob(setup.key, 180_000);
  const pr: AnyJson | undefined = (h.standIn.snapshot().pullRequests as AnyJson[]).find((p) =>
    String(p.url).includes(`/${setup.repoFullName}/`),
  );
  const sum = pr ? await runGit(["show", `${pr.head.ref}:src/sum.js`], { cwd: setup.remote.url }) : "";
  return {
    record,
    pr,
    sum,
    setup,
    codex: h.model.requests.length - codexCalls,
    claude: h.claude!.requests.length - claudeCalls,
  };
}

describe("a race between the two agents", () => {
  it("both fix it: the smaller diff wins (Codex's one line), and the PR says what Claude's attempt did", async () => {
    const r = await race();
    expect(r.codex).toBeGreaterThan(0);
    expect(r.claude).toBeGreaterThan(0);
    expect(r.record.outcome).toMatch(/^pr-opened #\d+$/);
    expect(r.sum).toContain("return a + b;");
    expect(r.pr!.body).toContain("### The race");
    expect(r.pr!.body).toContain("Codex's change won: a smaller diff (2 lines against 3)");
    expect(r.pr!.body).toMatch(
      /The other attempt \(Claude\): turned the verify command from failing to passing; 1 file, 3 changed lines; \d+ tokens/,
    );
    // The job's tokens are both attempts'.
    const { rows } = await h.db.query(`SELECT agent, race, race_margin FROM codex_dispatch.agent_runs WHERE job_key = $1 ORDER BY agent`, [
      r.record.key,
    ]);
    // Recorded for auto routing: the winner, the loser and the margin.
    expect(rows).toEqual([
      { agent: "claude", race: "lost", race_margin: "a smaller diff (2 lines against 3)" },
      { agent: "codex", race: "won", race_margin: "a smaller diff (2 lines against 3)" },
    ]);
  }, 240_000);

  it("Codex's change fails the verify command: Claude's wins, and its change is what gets committed", async () => {
    h.model.setScript(issueFixScript(WRONG_PATCH));
    const r = await race();
    expect(r.record.outcome).toMatch(/^pr-opened #\d+$/);
    expect(r.sum).toContain("// Adds its arguments.");
    expect(r.pr!.body).toContain("Claude's change won: the other attempt could not be pushed (`node --test` failed (exit 1) after it)");
    expect(r.pr!.body).toMatch(/Drafted by codex-dispatch · confidence \w+ · Claude \(`claude-sonnet-5`; chosen by a race\)/);
    claudePr = { repoFullName: r.setup.repoFullName, pr: r.pr!, remote: r.setup.remote.url };
  }, 240_000);

  it("a person's review on the PR Claude won → the round is Claude's (its hand-off names it), not the default agent's", async () => {
    const { repoFullName, pr, remote } = claudePr!;
    h.claude!.setScript([
      bash("printf '// Sum of two numbers.\\n' >> src/sum.js"),
      structured({ ...demoFixAnswer(), summary: "Document sum" }),
    ]);
    const codexCalls = h.model.requests.length;
    const review = h.standIn.addReview(repoFullName, pr.number, {
      user: DEMO_MAINTAINER,
      state: "CHANGES_REQUESTED",
      body: "Please document sum.",
    });
    const fresh = (h.standIn.snapshot().pullRequests as AnyJson[]).find(
      (p) => p.number === pr.number && String(p.url).includes(repoFullName),
    )!;
    await h.deliver("pull_request_review", {
      action: "submitted",
      review: { ...review, state: "changes_requested" },
      pull_request: fresh,
      repository: fresh.base.repo,
      sender: { login: DEMO_MAINTAINER, id: 1, type: "User" },
      installation: { id: 4101 },
    });
    const record = await h.waitForJob(`fix:${repoFullName.toLowerCase()}#${pr.number}:review:${review.id}`, 180_000);
    expect(record.outcome).toBe(`pushed to #${pr.number}`);
    expect(h.model.requests.length).toBe(codexCalls);
    expect(await runGit(["show", `${pr.head.ref}:src/sum.js`], { cwd: remote })).toContain("// Sum of two numbers.");
    const { rows } = await h.db.query(`SELECT agent FROM codex_dispatch.agent_runs WHERE job_key = $1`, [record.key]);
    expect(rows).toEqual([{ agent: "claude" }]);
  }, 240_000);

  it("/codex race on an issue races one request, whatever fix.race says", async () => {
    h.model.setScript(issueFixScript());
    h.claude!.setScript([CLAUDE_FIX, structured(demoFixAnswer())]);
    const issue = await setupIssueFix(h, { repoName: `race-cmd`, config: "fix:\n  verify_command: node --test\n" });
    cleanups.push(() => issue.remote.cleanup());
    const command = await postCommand(h, issue, { body: "/codex race\nsum subtracts." });
    const claudeCalls = h.claude!.requests.length;
    await h.deliver("issue_comment", command.payload);
    expect((await h.waitForJob(command.key, 60_000)).outcome).toBe("queued race");
    const record = await h.waitForJob(commandFixKey(issue.repoFullName, issue.issueNumber, "issue", command.commentId), 180_000);
    expect(record.outcome).toMatch(/^pr-opened #\d+$/);
    expect(h.claude!.requests.length).toBeGreaterThan(claudeCalls);
    const pr = (h.standIn.snapshot().pullRequests as AnyJson[]).find((p) => String(p.url).includes("/race-cmd/"))!;
    expect(pr.body).toContain("### The race");
  }, 240_000);

  it("neither change passes: nothing is pushed, and the issue hears why from both", async () => {
    h.model.setScript(issueFixScript(WRONG_PATCH));
    h.claude!.setScript([bash("printf 'export const sum = (a, b) => a - b;\\n' > src/sum.js"), structured(demoFixAnswer())]);
    const r = await race();
    expect(r.record.outcome).toBe("race: no winner");
    expect(r.pr).toBeUndefined();
    const said = (h.standIn.snapshot().comments as AnyJson[]).filter((c) => String(c.issue_url).includes(`/race-${n}/`));
    expect(said.map((c) => String(c.body)).join("\n")).toContain("neither change could be pushed");
  }, 240_000);
});

describe("a race judged by the repository's CI (fix.race_judge: checks)", () => {
  it("both candidates open as drafts; CI fails on Codex's head and passes on Claude's → Claude's PR stays, Codex's is closed", async () => {
    h.model.setScript(issueFixScript());
    h.claude!.setScript([CLAUDE_FIX, structured(demoFixAnswer())]);
    const config = "triage:\n  enabled: false\nfix:\n  race: true\n  race_judge: checks\n  verify_command: node --test\n";
    const setup = await setupIssueFix(h, { repoName: "race-ci", config });
    cleanups.push(() => setup.remote.cleanup());
    await h.deliver("issues", setup.payload, setup.deliveryId);
    const record = await h.waitForJob(setup.key, 180_000);
    const prs = () => (h.standIn.snapshot().pullRequests as AnyJson[]).filter((p) => String(p.url).includes("/race-ci/"));
    expect(record.outcome).toMatch(/^race: candidates #\d+ #\d+$/);
    const [codexPr, claudePr] = [
      prs().find((p) => !String(p.head.ref).endsWith("-claude"))!,
      prs().find((p) => String(p.head.ref).endsWith("-claude"))!,
    ];
    expect(prs()).toHaveLength(2);
    expect(codexPr.draft && claudePr.draft).toBe(true);
    expect(claudePr.body).toContain("the repository's CI decides");
    const onIssue = (h.standIn.snapshot().comments as AnyJson[]).filter((c) =>
      String(c.issue_url).endsWith(`/race-ci/issues/${setup.issueNumber}`),
    );
    expect(onIssue.map((c) => String(c.body)).join("\n")).toContain(`Race: Codex's #${codexPr.number} and Claude's #${claudePr.number}`);

    // CI: Codex's head fails; Claude's is still running → the judge waits.
    const ran = (headSha: string, branch: string, status: string, conclusion: string | null) =>
      h.standIn.addWorkflowRun(setup.repoFullName, {
        headSha,
        headBranch: branch,
        status,
        conclusion,
        event: "pull_request",
        jobs: [{ name: "test", conclusion }],
      });
    const deliver = (run: AnyJson) =>
      h.deliver("workflow_run", {
        action: "completed",
        workflow_run: run,
        repository: (setup.payload as AnyJson).repository,
        sender: { login: "codex-dispatch[bot]", id: 9, type: "Bot" },
        installation: { id: 4101 },
      });
    const failed = ran(codexPr.head.sha, codexPr.head.ref, "completed", "failure");
    const running = ran(claudePr.head.sha, claudePr.head.ref, "in_progress", null);
    await deliver(failed);
    const wait = await h.waitForJob(raceJudgeKey(setup.key, failed.id as number, 1), 60_000);
    expect(wait.outcome).toBe("waiting for CI");
    expect(prs().every((p) => p.state === "open")).toBe(true);

    // Claude's CI passes → decided.
    const run = h.standIn.state.workflowRuns.find((r) => r.id === running.id)!;
    Object.assign(run, { status: "completed", conclusion: "success" });
    await deliver(run);
    const decided = await h.waitForJob(raceJudgeKey(setup.key, running.id as number, 1), 60_000);
    expect(decided.outcome).toBe(`race decided: claude #${claudePr.number}`);
    expect(prs().find((p) => p.number === codexPr.number)!.state).toBe("closed");
    expect(prs().find((p) => p.number === claudePr.number)!.state).toBe("open");
    const said = (n: number) =>
      (h.standIn.snapshot().comments as AnyJson[])
        .filter((c) => String(c.issue_url).endsWith(`/race-ci/issues/${n}`))
        .map((c) => String(c.body))
        .join("\n");
    expect(said(codexPr.number)).toContain(
      `Closed: this was Codex's candidate in a race; Claude's #${claudePr.number} won (its CI passed and the other's failed)`,
    );
    expect(said(claudePr.number)).toContain("Claude's candidate won the race");
    const { rows } = await h.db.query(`SELECT agent, race FROM codex_dispatch.agent_runs WHERE job_key = $1 ORDER BY agent`, [setup.key]);
    expect(rows).toEqual([
      { agent: "claude", race: "won" },
      { agent: "codex", race: "lost" },
    ]);
  }, 300_000);
});

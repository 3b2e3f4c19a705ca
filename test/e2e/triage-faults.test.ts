import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../../demo/harness.js";
import { ciFailureScript, setupCiFailure, type CiFailureOptions, type CiFailureSetup } from "../../demo/scenarios/ci-failure.js";
import { demoTriageAnswer } from "../../demo/scenarios/ci-failure-fixture.js";
import type { ScriptStep } from "../../demo/scripted-model.js";
import { getJobRecord } from "../../src/jobs/records.js";

// Each case is its own repository in one harness: the real codex binary, git and database throughout, and
// only the model's script or GitHub's answers changed to make things go wrong.
type AnyJson = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
let h: Harness;
const remotes: CiFailureSetup[] = [];
let counter = 0;

beforeAll(async () => {
  h = await startHarness();
}, 60_000);

afterAll(async () => {
  for (const s of remotes) await s.remote.cleanup();
  await h?.close();
});

async function triage(script: ScriptStep[], opts: CiFailureOptions = {}) {
  h.model.setScript(script);
  const setup = await setupCiFailure(h, { repoName: `case-${++counter}`, ...opts });
  remotes.push(setup);
  const before = h.model.requests.length;
  await h.deliver("workflow_run", setup.payload);
  const record = await h.waitForJob(setup.key, 90_000);
  const snap = h.standIn.snapshot();
  const repoPath = `/repos/${setup.repoFullName}/`;
  const comments = (snap.comments as AnyJson[]).filter((c) => String(c.issue_url).includes(repoPath));
  const checkRuns = (snap.checkRuns as AnyJson[]).filter((c) => String(c.url).includes(repoPath));
  return { setup, record, comments, checkRuns, modelRequests: h.model.requests.length - before };
}

describe("triage when things go wrong", () => {
  it("kills a hung codex at the configured limit and says so on the PR", async () => {
    const started = Date.now();
    const r = await triage([{ kind: "hang" }], { config: "agent:\n  timeout_minutes: 0.05\n" });
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(r.record).toMatchObject({ status: "succeeded", outcome: "agent-failed: timeout" });
    expect(r.comments).toHaveLength(1);
    expect(r.comments[0].body).toContain("Codex could not explain this failure");
    expect(r.comments[0].body).toContain("did not finish within its time limit (3s)");
    expect(r.checkRuns[0]).toMatchObject({ conclusion: "neutral" });
  });

  it("reports a model failure as a readable comment", async () => {
    const r = await triage([{ kind: "fail", message: "upstream overloaded" }]);
    expect(r.record.outcome).toBe("agent-failed: failed");
    expect(r.comments[0].body).toContain("Codex failed");
    expect(r.comments[0].body).toContain("upstream overloaded");
  });

  it("reports an answer that violates the report schema instead of posting it", async () => {
    const bad = { ...demoTriageAnswer(), classification: "cosmic-rays", confidence: 7 };
    const r = await triage([{ kind: "message", text: JSON.stringify(bad) }]);
    expect(r.record.outcome).toBe("agent-failed: completed");
    expect(r.comments[0].body).toContain("did not fit the report schema");
    expect(r.comments[0].body).not.toContain("cosmic-rays");
  });

  it("asks GitHub again when the signed log URL has expired", async () => {
    const r = await triage(ciFailureScript(), { expireFirstLinks: 2 });
    expect(r.record.outcome).toBe("explained: code");
    const logRequests = h.standIn.requests.filter((q) => q.path.includes(`/actions/jobs/${r.setup.jobId}/logs`));
    expect(logRequests.length).toBe(3);
    expect(JSON.stringify(h.model.requests.at(-1)?.body)).toContain("-1 !== 5");
  });

  it("stops at an invalid config with a check run that names the key, and runs nothing", async () => {
    const r = await triage(ciFailureScript(), { config: "triage:\n  enabled: maybe\n  workflow: [CI]\n" });
    expect(r.record.outcome).toBe("invalid-config");
    expect(r.modelRequests).toBe(0);
    expect(r.comments).toHaveLength(0);
    expect(r.checkRuns).toHaveLength(1);
    expect(r.checkRuns[0]).toMatchObject({ name: "Codex triage", conclusion: "failure" });
    expect(r.checkRuns[0].output.title).toContain(".github/codex.yml");
    expect(r.checkRuns[0].output.summary).toContain("`triage.enabled`");
    expect(r.checkRuns[0].output.summary).toContain("unknown key `triage.workflow`");
  });

  it("skips quietly when the config turns triage off or filters the workflow out", async () => {
    const off = await triage(ciFailureScript(), { config: "triage:\n  enabled: false\n" });
    expect(off.record.outcome).toBe("skipped: triage disabled in config");
    const filtered = await triage(ciFailureScript(), { config: "triage:\n  workflows: [release.yml]\n" });
    expect(filtered.record.outcome).toBe("skipped: workflow not in config");
    expect([...off.comments, ...filtered.comments, ...off.checkRuns, ...filtered.checkRuns]).toHaveLength(0);
  });

  it("triages a fork's PR through the base repository's pull ref and comments on it", async () => {
    const r = await triage(ciFailureScript(), { fork: true });
    expect(r.record.data).toMatchObject({ fromFork: true, pullNumbers: [] });
    expect(r.record.outcome).toBe("explained: code");
    expect(r.comments).toHaveLength(1);
    expect(r.comments[0].issue_url).toMatch(new RegExp(`/issues/${r.setup.prNumber}$`));
  });

  it("posts the check run alone when the commit has no pull request", async () => {
    const r = await triage(ciFailureScript(), { withPullRequest: false });
    expect(r.record.outcome).toBe("explained: code");
    expect(r.comments).toHaveLength(0);
    expect(r.checkRuns).toHaveLength(1);
  });

  it("redacts secrets and defuses mentions in what it posts", async () => {
    const leaky = {
      ...demoTriageAnswer(),
      root_cause: "The job printed ghp_abcdefghijklmnopqrstuvwxyz0123456789 and pinged @octocat.",
    };
    const r = await triage([{ kind: "message", text: JSON.stringify(leaky) }]);
    const body = r.comments[0].body as string;
    expect(body).not.toContain("ghp_abcdefghijklmnopqrstuvwxyz0123456789");
    expect(body).toContain("[REDACTED]");
    expect(body).not.toMatch(/(^|[^\u200b])@octocat/);
  });

  it("spends at most the daily budget on the bot's own codex/ branches", async () => {
    h.model.setScript(ciFailureScript());
    const setup = await setupCiFailure(h, {
      repoName: `case-${++counter}`,
      branch: "codex/fix/sum",
      config: "triage:\n  bot_branch_budget: 1\n",
    });
    remotes.push(setup);
    const outcomes: (string | null)[] = [];
    for (const attempt of [1, 2, 3]) {
      const payload = structuredClone(setup.payload) as AnyJson;
      payload.workflow_run.run_attempt = attempt;
      await h.deliver("workflow_run", payload);
      const key = setup.key.replace(/attempt-1$/, `attempt-${attempt}`);
      outcomes.push((await h.waitForJob(key, 60_000)).outcome);
    }
    expect(outcomes).toEqual([
      "explained: code",
      "skipped: bot branch budget spent (1 a day)",
      "skipped: bot branch budget spent (1 a day)",
    ]);
  });

  it("after the last attempt fails, leaves a short failure comment instead of silence", async () => {
    h.model.setScript(ciFailureScript());
    const setup = await setupCiFailure(h, { repoName: `case-${++counter}` });
    remotes.push(setup);
    // The clone URL leads nowhere: every attempt fails in the workspace phase.
    (setup.payload as AnyJson).repository.clone_url = "/nonexistent/remote.git";
    await h.deliver("workflow_run", setup.payload);
    const record = await h.waitForJob(setup.key, 60_000);
    expect(record.status).toBe("failed");
    expect(record.phase).toBe("workspace");
    const record2 = await getJobRecord(h.db, setup.key);
    expect(record2?.error).toBeTruthy();
    const comments = (h.standIn.snapshot().comments as AnyJson[]).filter((c) => String(c.issue_url).includes(setup.repoFullName));
    expect(comments).toHaveLength(1);
    expect(comments[0].body).toContain("Codex triage did not finish");
  });
});

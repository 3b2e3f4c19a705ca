// Token budgets end to end: the real codex binary behind the real key proxy, the scripted model, the GitHub
// stand-in. A job over its own budget is stopped mid-run; a repository or installation whose day is spent by
// earlier job records gets no model call at all; each time the comment and the check run say which budget.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../../demo/harness.js";
import { ciFailureScript, setupCiFailure, type CiFailureSetup } from "../../demo/scenarios/ci-failure.js";
import { DEMO_REPO } from "../../demo/scenarios/ci-failure-fixture.js";
import { SCHEMA } from "../../src/jobs/migrations.js";

const INSTALLATION_DAILY = 50_000_000;
let h: Harness;
const setups: CiFailureSetup[] = [];

beforeAll(async () => {
  h = await startHarness({ script: ciFailureScript(), env: { INSTALLATION_DAILY_TOKENS: String(INSTALLATION_DAILY) } });
}, 60_000);

afterAll(async () => {
  for (const s of setups) await s.remote.cleanup();
  await h?.close();
});

/** An earlier job of today that spent `tokens`, as the worker records it. */
async function earlierJob(repo: string, tokens: number, installationId = DEMO_REPO.installationId): Promise<void> {
  const key = `test:earlier:${repo}:${tokens}:${Math.random()}`;
  await h.db.query(
    `INSERT INTO ${SCHEMA}.job_records (id, key, kind, repo, status, data, input_tokens, output_tokens, cost_usd)
     VALUES ($1, $1, 'triage', $2, 'succeeded', $3::jsonb, $4, $5, 1.5)`,
    [key, repo, JSON.stringify({ installationId }), tokens - 10, 10],
  );
}

async function triage(repoName: string, config: string): Promise<{ setup: CiFailureSetup; calls: number }> {
  const setup = await setupCiFailure(h, { repoName, config });
  setups.push(setup);
  const before = h.model.requests.length;
  await h.deliver("workflow_run", setup.payload);
  await h.waitForJob(setup.key, 90_000);
  return { setup, calls: h.model.requests.length - before };
}

type Snapshot = {
  comments: { body: string; issue_url: string }[];
  checkRuns: { head_sha: string; output: { title: string; summary: string } }[];
};
function published(setup: CiFailureSetup): { comment: string; check: { title: string; summary: string } } {
  const { comments, checkRuns } = h.standIn.snapshot() as unknown as Snapshot;
  const comment = comments.find((c) => c.issue_url.includes(`/${setup.repoFullName}/issues/${setup.prNumber}`));
  const check = checkRuns.find((r) => r.head_sha === setup.headSha);
  return { comment: comment?.body ?? "", check: check?.output ?? { title: "", summary: "" } };
}

describe("token budgets", () => {
  it("a job over its token budget is stopped mid-run, and the comment and check run say so", async () => {
    const { setup, calls } = await triage("calc-job-budget", "agent:\n  budget:\n    job_tokens: 500\n");
    // The first call is allowed (nothing spent yet) and spends more than 500 tokens; the next one is refused.
    expect(calls).toBe(1);
    const { comment, check } = published(setup);
    expect(comment).toContain("Stopped: this job's token budget (500 tokens) is spent.");
    expect(comment).toContain("stopped by this job's token budget");
    expect(check.summary).toContain("Stopped: this job's token budget (500 tokens) is spent.");
    const { getJobRecord } = await import("../../src/jobs/records.js");
    const record = await getJobRecord(h.db, setup.key);
    expect(record?.outcome).toBe("agent-failed: failed");
    // What the allowed call spent is recorded, priced at gpt-5.5's default price.
    expect((record?.tokens?.input ?? 0) + (record?.tokens?.output ?? 0)).toBeGreaterThan(500);
    expect(record?.costUsd).toBeGreaterThan(0);
  }, 120_000);

  it("a repository whose day budget is spent by earlier job records gets no model call", async () => {
    await earlierJob("octo-org/calc-day-budget", 20_000);
    const { setup, calls } = await triage("calc-day-budget", "agent:\n  budget:\n    repo_daily_tokens: 20000\n");
    expect(calls).toBe(0);
    const { comment, check } = published(setup);
    expect(comment).toContain("Stopped: this repository's daily token budget (20,000 tokens) is spent.");
    expect(check.summary).toContain("Stopped: this repository's daily token budget (20,000 tokens) is spent.");
    expect(comment).toMatch(
      /Codex \(`gpt-5\.5`; chosen by agent\.backend: codex\) · 0 tokens · \$0\.00 · stopped by this repository's daily token budget/,
    );
  }, 120_000);

  it("[S21.1] a repository's codex.yml asks for a higher installation budget than the operator's → the operator's limit holds, no model call", async () => {
    // Another repository of the same installation spent the installation's day; this one's config tries to raise it.
    await earlierJob("octo-org/some-other-repo", INSTALLATION_DAILY);
    const { setup, calls } = await triage("calc-inst-budget", "agent:\n  budget:\n    installation_daily_tokens: 900000000\n");
    expect(calls).toBe(0);
    const { comment } = published(setup);
    expect(comment).toContain("Stopped: this installation's daily token budget (50,000,000 tokens) is spent.");
  }, 120_000);
});

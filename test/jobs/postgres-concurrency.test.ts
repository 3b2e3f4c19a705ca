import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import type { TriageReport } from "../../src/agent/report.js";
import { defaultRepoConfig } from "../../src/config/repo-config.js";
import { claimJobRecord } from "../../src/jobs/claim-record.js";
import { enqueueOnce } from "../../src/jobs/enqueue.js";
import { askKey, autofixKey, commandFixKey, commandKey, reviewFixKey, targetKey, workflowRunTriageKey } from "../../src/jobs/keys.js";
import { SCHEMA } from "../../src/jobs/migrations.js";
import { getJobRecord, listJobRecords } from "../../src/jobs/records.js";
import { recordRerunPass } from "../../src/jobs/triage-findings.js";
import type { TriageJob } from "../../src/jobs/types.js";
import type { PipelineDeps } from "../../src/pipeline/deps.js";
import { maybeEnqueueAutofix } from "../../src/pipeline/triage/autofix.js";
import { startTestPostgres, type TestPostgres } from "../helpers/postgres.js";
import { startChild, type Child, type ChildEvent } from "./child.js";
import { peakConcurrency } from "./peak.js";
import { FAST, openAll, waitFor } from "./setup.js";

const REPO = "o/conc";
const SHA = "a".repeat(40);

// Worker processes on one PostgreSQL: the limits that must hold across all of them, not per process.
describe("concurrency rules across worker processes (PostgreSQL)", () => {
  let server: TestPostgres;
  let env: Awaited<ReturnType<typeof openAll>>;
  const children: Child[] = [];

  const startWorkers = async (extra: Record<string, string>) => {
    const started = [0, 1].map(() =>
      startChild({
        DATABASE_URL: server.url,
        CHILD_MODE: "work",
        CHILD_KINDS: JSON.stringify(["triage", "fix", "command", "ask"]),
        CHILD_CONCURRENCY: "2",
        ...extra,
      }),
    );
    children.push(...started);
    await Promise.all(started.map((c) => c.waitForEvent((e) => e.event === "working", "a worker process to start")));
    return started;
  };
  const stopWorkers = async (which: Child[]) => {
    const live = which.filter((c) => c.proc.exitCode === null && c.proc.signalCode === null);
    // 'close', not 'exit': by then every line the process wrote has been read into its events.
    const closed = live.map((c) => new Promise((resolve) => c.proc.once("close", resolve)));
    for (const c of live) c.proc.kill("SIGKILL");
    await Promise.all(closed);
  };
  const runsOf = (which: Child[], keys: string[]) =>
    keys.map((key) => {
      const of = (name: string): ChildEvent[] => which.flatMap((c) => c.events.filter((e) => e.event === name && e.key === key));
      const starts = of("started");
      return { key, starts: starts.length, start: starts[0]?.t as number, end: of("finished")[0]?.t as number };
    });
  const allSucceeded = (keys: string[], timeoutMs = 60_000) =>
    waitFor(
      `${keys.length} jobs to succeed`,
      async () => {
        for (const key of keys) if ((await getJobRecord(env.db, key))?.status !== "succeeded") return false;
        return true;
      },
      timeoutMs,
    );

  beforeAll(async () => {
    server = await startTestPostgres();
    env = await openAll("", FAST, server.url);
  });
  afterAll(async () => {
    await stopWorkers(children);
    await env?.close();
    await server?.stop();
  });

  it("installation A floods 10 jobs, B enqueues 2 after: B starts before A's backlog ends, A never runs 2 at once", async () => {
    // Two processes × two slots, limit 1 per installation: only the claim in the database can hold A to one.
    const workers = await startWorkers({ CHILD_MAX_PER_INSTALLATION: "1", CHILD_JOB_MS: "300" });
    const a = Array.from({ length: 10 }, (_, i) => `inst:a:${i}`);
    const b = ["inst:b:0", "inst:b:1"];
    const add = (key: string, installationId: number) =>
      enqueueOnce(env.db, env.queue, { key, kind: "triage", repo: "o/inst", data: { key, installationId } });
    for (const key of a) await add(key, 101);
    for (const key of b) await add(key, 202);
    try {
      await allSucceeded([...a, ...b]);
    } finally {
      // Down before the checks, so that a failed check leaves no limited worker to take the next test's jobs.
      await stopWorkers(workers);
    }

    const runsA = runsOf(workers, a);
    const runsB = runsOf(workers, b);
    expect([...runsA, ...runsB].every((r) => r.starts === 1)).toBe(true);
    expect(peakConcurrency(runsA)).toBe(1);
    expect(peakConcurrency(runsB)).toBe(1);
    const lastA = Math.max(...runsA.map((r) => r.end));
    for (const r of runsB) expect(r.start).toBeLessThan(lastA);
    // Both processes ran jobs, and A's backlog was put back in line (without a retry: attempts stay 1).
    const pids = new Set(workers.flatMap((c) => c.events.filter((e) => e.event === "started").map((e) => e.pid)));
    expect(pids.size).toBe(2);
    const waited = workers.flatMap((c) => c.events.filter((e) => e.msg === "job waits for its installation's turn" && a.includes(e.key)));
    expect(waited.length).toBeGreaterThan(0);
    const records = await listJobRecords(env.db, { limit: 100, repo: "o/inst" });
    expect(records.every((r) => r.attempts === 1)).toBe(true);
  });

  it("two processes racing for an installation's last slot: the second's claim meets the unique index → installation-busy", async () => {
    for (const key of ["race:1", "race:2"]) {
      await enqueueOnce(env.db, env.queue, { key, kind: "command", repo: "o/race", data: { key, installationId: 303 } });
    }
    // The first claim is made and not yet committed on another connection: the second cannot see it, picks the
    // same free slot, and waits on the index until the first commits.
    const other = new pg.Client({ connectionString: server.url });
    await other.connect();
    try {
      await other.query("BEGIN");
      await other.query(`UPDATE ${SCHEMA}.job_records SET status = 'running', installation_slot = 0 WHERE key = 'race:1'`);
      const second = claimJobRecord(env.db, "race:2", 1, new Date().toISOString(), 1);
      await new Promise((r) => setTimeout(r, 300));
      await other.query("COMMIT");
      expect(await second).toBe("installation-busy");
    } finally {
      await other.end();
    }
    expect(await getJobRecord(env.db, "race:2")).toMatchObject({ status: "queued", attempts: 0 });
  });

  it("runs one job at a time per issue, per PR and per branch, as the app keys them, across worker processes", async () => {
    const workers = await startWorkers({ CHILD_JOB_MS: "400" });
    const job = (key: string, kind: string) => ({ key, kind, repo: REPO, data: { key, installationId: 1 } });
    // An issue: a `/codex` command, the fix it asked for, an explain, keyed as command.ts keys them.
    const issue = [commandKey(REPO, 12, "issue", 1), commandFixKey(REPO, 12, "issue", 1), askKey("explain", REPO, 12, "issue", 2)];
    // A PR: a review's follow-up fix, a command on it, and the draft fix of a CI failure on its branch (autofix.ts).
    const pr = [reviewFixKey(REPO, 34, 7), commandKey(REPO, 34, "review", 8)];
    for (const [i, key] of issue.entries()) {
      await enqueueOnce(env.db, env.queue, job(key, ["command", "fix", "ask"][i]), { serialKey: targetKey(REPO, 12) });
    }
    for (const [i, key] of pr.entries()) {
      await enqueueOnce(env.db, env.queue, job(key, ["fix", "command"][i]), { serialKey: targetKey(REPO, 34) });
    }
    const deps = { db: env.db, queue: env.queue } as unknown as PipelineDeps;
    const config = { ...defaultRepoConfig(), triage: { ...defaultRepoConfig().triage, autofix: "draft-pr" as const } };
    const triage = (runId: number, branch: string): TriageJob => ({
      kind: "triage",
      key: workflowRunTriageKey(REPO, SHA, runId, 1),
      installationId: 1,
      deliveryId: `d-${runId}`,
      repo: { owner: "o", name: "conc", fullName: REPO, cloneUrl: "file:///nowhere", defaultBranch: "main", private: false },
      headSha: SHA,
      headBranch: branch,
      pullNumbers: [],
      fromFork: false,
      source: {
        type: "workflow_run",
        runId,
        runAttempt: 1,
        workflowId: runId,
        workflowName: `ci-${runId}`,
        htmlUrl: "h",
        conclusion: "failure",
      },
    });
    const report: TriageReport = {
      summary: "s",
      root_cause: "r",
      classification: "code",
      confidence: "high",
      evidence: [],
      locations: [],
      suggested_fix: "f",
      fixable: true,
      failing_tests: [],
    };
    // A branch without a PR: two failing workflows of one push, each drafting a fix onto one bot branch.
    const branch = [triage(1, "feature/x"), triage(2, "feature/x"), triage(3, "feature/x")];
    for (const t of branch) expect(await maybeEnqueueAutofix(deps, t, report, config, [])).toBe(true);
    // The same on the PR's branch: its draft fix takes turns with the PR's other jobs.
    expect(await maybeEnqueueAutofix(deps, triage(4, "pr-branch"), report, config, [{ number: 34, sameRepo: true }])).toBe(true);
    pr.push(autofixKey(triage(4, "pr-branch").key));
    const branchKeys = branch.map((t) => autofixKey(t.key));
    try {
      await allSucceeded([...issue, ...pr, ...branchKeys]);
    } finally {
      await stopWorkers(workers);
    }

    expect((await getJobRecord(env.db, branchKeys[0]))?.target).toBe("o/conc@feature/x");
    expect((await getJobRecord(env.db, pr[2]))?.target).toBe("o/conc#34");
    const chains = [issue, pr, branchKeys].map((keys) => runsOf(workers, keys));
    for (const chain of chains) {
      const seen = () => JSON.stringify(workers.flatMap((c) => c.events.filter((e) => chain.some((r) => r.key === e.key))));
      expect(
        chain.every((r) => r.starts === 1),
        seen(),
      ).toBe(true);
      // In arrival order, each starting after the previous one's handler returned, whichever process ran it.
      expect([...chain].sort((x, y) => x.start - y.start).map((r) => r.key)).toEqual(chain.map((r) => r.key));
      for (let i = 1; i < chain.length; i++) expect(chain[i].start).toBeGreaterThanOrEqual(chain[i - 1].end);
    }
    // The subjects did not wait for each other: at some moment jobs of two subjects ran at once.
    expect(peakConcurrency(chains.flat())).toBeGreaterThan(1);
    const pids = new Set(workers.flatMap((c) => c.events.filter((e) => e.event === "started").map((e) => e.pid)));
    expect(pids.size).toBe(2);
  });

  it("recordRerunPass finds a commit's triage through its index, not by scanning triage records", async () => {
    await env.db.query(
      `INSERT INTO ${SCHEMA}.job_records (id, key, kind, repo, data)
       SELECT 'scan-' || i, 'scan:' || i, 'triage', 'o/scan', jsonb_build_object('headSha', md5(i::text) || '00000000')
       FROM generate_series(1, 5000) AS i`,
    );
    await env.db.query(`ANALYZE ${SCHEMA}.job_records`);
    const sha = (await env.db.query<{ s: string }>(`SELECT md5('77') || '00000000' AS s`)).rows[0].s;
    const { rows } = await env.db.query<{ "QUERY PLAN": string }>(
      `EXPLAIN SELECT 1 FROM ${SCHEMA}.job_records WHERE repo = $1 AND kind = 'triage' AND data->>'headSha' = $2`,
      ["o/scan", sha],
    );
    expect(rows.map((r) => r["QUERY PLAN"]).join("\n")).toContain("job_records_triage_head_sha");
    expect(await recordRerunPass(env.db, { repo: "o/scan", headSha: sha, ciName: "ci" })).toBe(true);
  });
});

import { describe, expect, it } from "vitest";
import { claimJobRecord } from "../../src/jobs/claim-record.js";
import { enqueueOnce } from "../../src/jobs/enqueue.js";
import { jobIdForKey } from "../../src/jobs/job-id.js";
import { getJobRecord, updateJobRecord } from "../../src/jobs/records.js";
import { startLiveness } from "../../src/jobs/worker/liveness.js";
import { startWorker } from "../../src/jobs/worker/start-worker.js";
import { beatWorker, registerWorker, sweepDeadWorkers } from "../../src/jobs/workers.js";
import { useJobsDatabase, waitFor, type openAll } from "./setup.js";

type Env = Awaited<ReturnType<typeof openAll>>;
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** What a worker does on fetching a job: pg-boss makes it active, then the worker claims its record under its own id. */
async function claimAs(env: Env, workerId: string, kind: string, key: string, expected = "claimed"): Promise<number> {
  const jobs = await env.queue.boss.fetch(kind, { includeMetadata: true });
  const job = jobs.find((j) => j.id === jobIdForKey(key));
  if (!job) throw new Error(`${key} was not fetched`);
  const attempt = job.retryCount + 1;
  // At most 2 jobs of one installation run at once.
  expect(await claimJobRecord(env.db, key, attempt, new Date().toISOString(), 2, workerId)).toBe(expected);
  return attempt;
}

async function record(env: Env, key: string) {
  const { rows } = await env.db.query<{
    status: string;
    worker_id: string | null;
    worker_deaths: number;
    phase: string | null;
    error: string | null;
  }>("SELECT status, worker_id, worker_deaths, phase, error FROM codex_dispatch.job_records WHERE key = $1", [key]);
  return rows[0];
}

async function bossJob(env: Env, key: string) {
  const { rows } = await env.db.query<{ state: string; retry_limit: number; retry_count: number; due: boolean }>(
    "SELECT state, retry_limit, retry_count, start_after <= now() AS due FROM pgboss.job WHERE id = $1::uuid",
    [jobIdForKey(key)],
  );
  return rows[0];
}

const stale = (env: Env, id: string) =>
  env.db.query("UPDATE codex_dispatch.workers SET seen_at = now() - interval '1 hour' WHERE id = $1", [id]);
const workerRows = async (env: Env) =>
  (await env.db.query<{ id: string }>("SELECT id FROM codex_dispatch.workers ORDER BY id")).rows.map((r) => r.id);

describe("worker liveness (PGlite, simulated workers)", () => {
  const env = useJobsDatabase();

  it("a worker that stops beating: its running job is queued and retried now, its target and slot freed; the live one's job untouched", async () => {
    const live = { id: "worker-live", host: "a", pid: 1 };
    const dead = { id: "worker-dead", host: "b", pid: 2 };
    await registerWorker(env.db, live);
    await registerWorker(env.db, dead);
    const job = (key: string) => ({ key, kind: "fix", repo: "o/r", data: { key, installationId: 7 } });
    await enqueueOnce(env.db, env.queue, job("two:live"), { retryLimit: 2, expireInSeconds: 2700 });
    await enqueueOnce(env.db, env.queue, job("two:dead"), { retryLimit: 0, expireInSeconds: 2700, serialKey: "o/r#1" });
    await enqueueOnce(env.db, env.queue, job("two:next"), { retryLimit: 0, expireInSeconds: 2700, serialKey: "o/r#1" });
    expect(await claimAs(env, live.id, "fix", "two:live")).toBe(1);
    expect(await claimAs(env, dead.id, "fix", "two:dead")).toBe(1);
    // Installation 7's two slots are taken.
    await enqueueOnce(env.db, env.queue, { ...job("two:third"), kind: "slot" }, { expireInSeconds: 2700 });
    await claimAs(env, live.id, "slot", "two:third", "installation-busy");
    await env.db.query("UPDATE pgboss.job SET state = 'created', started_on = NULL WHERE id = $1::uuid", [jobIdForKey("two:third")]);

    await stale(env, dead.id);
    expect(await beatWorker(env.db, live.id)).not.toBeNull();
    const swept = await sweepDeadWorkers(env.db, 5, 3);

    expect(swept).toEqual([
      expect.objectContaining({ key: "two:dead", kind: "fix", deadWorker: dead.id, deaths: 1, givenUp: false, moved: true }),
    ]);
    expect(await record(env, "two:dead")).toMatchObject({
      status: "queued",
      worker_id: null,
      worker_deaths: 1,
      phase: "retried: its worker died",
    });
    // Retried now, and the death did not spend the job's only retry: retry_limit went up with the attempt.
    expect(await bossJob(env, "two:dead")).toEqual({ state: "retry", retry_limit: 1, retry_count: 0, due: true });
    expect(await record(env, "two:live")).toMatchObject({ status: "running", worker_id: live.id, worker_deaths: 0 });
    expect((await bossJob(env, "two:live")).state).toBe("active");
    expect(await workerRows(env)).toEqual([live.id]);

    // The dead attempt's late write (a worker that was only stalled) is fenced by its worker id.
    expect(await updateJobRecord(env.db, "two:dead", { status: "succeeded" }, { onlyAttempt: 1, onlyWorker: dead.id })).toBe(false);
    // A second sweep (another worker's) finds nothing left to do.
    expect(await sweepDeadWorkers(env.db, 5, 3)).toEqual([]);

    // The dead worker's installation slot is free again.
    await claimAs(env, live.id, "slot", "two:third");
    // The retry is a new attempt, on the live worker (with no installation limit now: both slots are taken).
    const jobs = await env.queue.boss.fetch("fix", { includeMetadata: true });
    expect(jobs.map((j) => [j.id, j.retryCount + 1])).toEqual([[jobIdForKey("two:dead"), 2]]);
    expect(await claimJobRecord(env.db, "two:dead", 2, new Date().toISOString(), undefined, live.id)).toBe("claimed");
    expect(await bossJob(env, "two:dead")).toMatchObject({ state: "active", retry_limit: 1, retry_count: 1 });
    expect(await record(env, "two:dead")).toMatchObject({ status: "running", worker_id: live.id });
  });

  it("a job whose workers die 3 times → failed: 'its worker died 3 times', its pg-boss job readied for the dead letters", async () => {
    await enqueueOnce(
      env.db,
      env.queue,
      { key: "deaths:3", kind: "triage", repo: "o/r", data: {} },
      { retryLimit: 2, expireInSeconds: 2700 },
    );
    for (let death = 1; death <= 3; death++) {
      const w = { id: `worker-doomed-${death}`, host: "h", pid: death };
      await registerWorker(env.db, w);
      expect(await claimAs(env, w.id, "triage", "deaths:3")).toBe(death);
      await stale(env, w.id);
      const [swept] = await sweepDeadWorkers(env.db, 5, 3);
      expect(swept).toMatchObject({ key: "deaths:3", deaths: death, givenUp: death === 3, moved: true });
    }
    const r = await record(env, "deaths:3");
    expect(r).toMatchObject({ status: "failed", worker_deaths: 3 });
    expect(r.error).toMatch(/^its worker died 3 times while running it/);
    // Its own two retries were never spent; retry_limit = retry_count makes pg-boss's fail() dead-letter it.
    expect(await bossJob(env, "deaths:3")).toMatchObject({ state: "active", retry_limit: 2, retry_count: 2 });
  });

  it("liveness: a worker unheard itself skips one sweep; a worker whose row was swept hears it and keeps only what it still holds", async () => {
    const lost: Set<string>[] = [];
    const me = await startLiveness(env.db, env.queue.boss, {
      heartbeatSeconds: 60,
      deadAfterSeconds: 120,
      log: silent,
      onLost: (s) => lost.push(s),
    });
    try {
      const other = { id: "worker-other", host: "h", pid: 9 };
      await registerWorker(env.db, other);
      await enqueueOnce(env.db, env.queue, { key: "gap:1", kind: "command", repo: "o/r", data: {} }, { expireInSeconds: 2700 });
      await claimAs(env, other.id, "command", "gap:1");
      await stale(env, other.id);
      // This worker too was unheard for a long time (the database was down): the other could not beat either.
      await stale(env, me.id);
      await me.tick();
      expect((await record(env, "gap:1")).status).toBe("running");
      await me.tick();
      expect(await record(env, "gap:1")).toMatchObject({ status: "queued", worker_deaths: 1 });

      // Now this worker is the one counted dead: its row is gone. It claimed gap:1's retry after that sweep.
      await claimAs(env, me.id, "command", "gap:1");
      await env.db.query("DELETE FROM codex_dispatch.workers WHERE id = $1", [me.id]);
      await me.tick();
      expect(lost).toEqual([new Set(["gap:1"])]);
      expect(await workerRows(env)).toContain(me.id);
    } finally {
      await me.stop();
    }
    expect(await workerRows(env)).not.toContain(me.id);
  });

  it("a real worker starting on PGlite: a dead process's running jobs retried at once (run once, as attempt 2), the third death given up and reported", async () => {
    const ghost = { id: "worker-of-a-dead-process", host: "h", pid: 3 };
    await registerWorker(env.db, ghost);
    await enqueueOnce(
      env.db,
      env.queue,
      { key: "boot:retried", kind: "review", repo: "o/r", data: {} },
      { retryLimit: 0, expireInSeconds: 2700 },
    );
    await enqueueOnce(
      env.db,
      env.queue,
      { key: "boot:doomed", kind: "review", repo: "o/r", data: {} },
      { retryLimit: 0, expireInSeconds: 2700 },
    );
    await claimAs(env, ghost.id, "review", "boot:retried");
    await claimAs(env, ghost.id, "review", "boot:doomed");
    await env.db.query("UPDATE codex_dispatch.job_records SET worker_deaths = 2 WHERE key = 'boot:doomed'");
    // Seen just now: on PostgreSQL it would count as alive for a while yet. On PGlite the DATA_DIR is this process's.
    expect(await beatWorker(env.db, ghost.id)).not.toBeNull();

    const runs: Array<{ key: string; attempt: number; isLastAttempt: boolean }> = [];
    const gaveUp: Array<{ key: string; error: string }> = [];
    const t0 = Date.now();
    const worker = await startWorker(env.db, env.queue, {
      heartbeatSeconds: 1,
      deadAfterSeconds: 3,
      handlers: {
        review: async (_data, ctx) => {
          runs.push({ key: ctx.key, attempt: ctx.attempt, isLastAttempt: ctx.isLastAttempt });
          return { outcome: "reviewed" };
        },
      },
      onGiveUp: async (_kind, _data, error, key) => {
        gaveUp.push({ key, error });
      },
    });
    try {
      await waitFor("the retried job to succeed and the doomed one to be given up", async () => {
        const r = await record(env, "boot:retried");
        return r.status === "succeeded" && gaveUp.length > 0;
      });
      // Well within one heartbeat's dead-after time, let alone the attempt's 45 minutes.
      expect(Date.now() - t0).toBeLessThan(5000);
      await new Promise((r) => setTimeout(r, 1500));
      expect(runs).toEqual([{ key: "boot:retried", attempt: 2, isLastAttempt: true }]);
      expect(await record(env, "boot:retried")).toMatchObject({ status: "succeeded", worker_id: worker.id, worker_deaths: 1, error: null });
      expect(gaveUp).toEqual([{ key: "boot:doomed", error: expect.stringMatching(/^its worker died 3 times while running it/) }]);
      const doomed = await getJobRecord(env.db, "boot:doomed");
      expect(doomed).toMatchObject({ status: "failed", outcome: "worker-died: 3 times", error: gaveUp[0].error });
      const { rows } = await env.db.query("SELECT 1 FROM codex_dispatch.job_records WHERE key = 'boot:doomed' AND gave_up_at IS NOT NULL");
      expect(rows).toHaveLength(1);
      expect(await workerRows(env)).toEqual([worker.id]);
    } finally {
      await worker.stop();
    }
    // A graceful stop deletes the row: nobody waits for it.
    expect(await workerRows(env)).toEqual([]);
  });
});

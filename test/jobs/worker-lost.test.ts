import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enqueueOnce } from "../../src/jobs/enqueue.js";
import { jobIdForKey } from "../../src/jobs/job-id.js";
import { startWorker, type JobWorker } from "../../src/jobs/worker/start-worker.js";
import { sweepDeadWorkers } from "../../src/jobs/workers.js";
import { openAll, tempDataDir, waitFor } from "./setup.js";

// A worker that is alive but was counted dead (it stalled, or lost the database, past the dead-after time): another
// worker swept its job. When its next beat finds its row gone it stops that attempt, which must write nothing, and
// the retry (here on the same worker, once it is back) runs the job once.
describe("a live worker counted dead (PGlite)", () => {
  let tmp: Awaited<ReturnType<typeof tempDataDir>>;
  let env: Awaited<ReturnType<typeof openAll>>;
  let worker: JobWorker;
  const runs: Array<{ attempt: number; ended: string }> = [];

  beforeAll(async () => {
    tmp = await tempDataDir();
    env = await openAll(tmp.dir);
    worker = await startWorker(env.db, env.queue, {
      heartbeatSeconds: 2,
      deadAfterSeconds: 60,
      handlers: {
        fix: async (_data, ctx) => {
          if (ctx.attempt === 1) {
            // The first attempt runs until something stops it.
            const reason = await new Promise<Error>((resolve) =>
              ctx.signal.addEventListener("abort", () => resolve(ctx.signal.reason as Error)),
            );
            runs.push({ attempt: 1, ended: reason.name });
            throw reason;
          }
          runs.push({ attempt: ctx.attempt, ended: "succeeded" });
          return { outcome: "fixed on the retry" };
        },
      },
      onGiveUp: async () => undefined,
    });
  });
  afterAll(async () => {
    await worker.stop();
    await env.close();
    await tmp.remove();
  });

  it("its swept attempt stops writing nothing (no failure, no hand-back); the retry runs once as attempt 2", async () => {
    const key = "lost:1";
    await enqueueOnce(env.db, env.queue, { key, kind: "fix", repo: "o/r", data: {} }, { retryLimit: 0, expireInSeconds: 2700 });
    await waitFor("the first attempt to run", async () => {
      const { rows } = await env.db.query("SELECT 1 FROM codex_dispatch.job_records WHERE key = $1 AND status = 'running'", [key]);
      return rows.length === 1;
    });
    // What another worker's sweep does when this one has been silent for the dead-after time.
    await env.db.query("UPDATE codex_dispatch.workers SET seen_at = now() - interval '1 hour' WHERE id = $1", [worker.id]);
    expect(await sweepDeadWorkers(env.db, 60, 3)).toMatchObject([{ key, deadWorker: worker.id, givenUp: false }]);

    const { rows } = await waitFor(
      "the record to succeed",
      async () => {
        const r = await env.db.query<{ status: string; attempts: number; worker_id: string; worker_deaths: number; error: string | null }>(
          "SELECT status, attempts, worker_id, worker_deaths, error FROM codex_dispatch.job_records WHERE key = $1",
          [key],
        );
        return r.rows[0]?.status === "succeeded" ? r : null;
      },
      20_000,
    );
    expect(runs).toEqual([
      { attempt: 1, ended: "WorkerLostError" },
      { attempt: 2, ended: "succeeded" },
    ]);
    // The lost attempt neither failed the job (retryLimit 0: it would have been given up) nor handed it back.
    expect(rows[0]).toEqual({ status: "succeeded", attempts: 2, worker_id: worker.id, worker_deaths: 1, error: null });
    const boss = await env.db.query("SELECT state, retry_count FROM pgboss.job WHERE id = $1::uuid", [jobIdForKey(key)]);
    expect(boss.rows).toEqual([{ state: "completed", retry_count: 1 }]);
    const dead = await env.db.query("SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'codex-dispatch-dead'");
    expect(dead.rows[0].n).toBe(0);
    // Back in the workers table, beating again.
    const me = await env.db.query("SELECT id FROM codex_dispatch.workers");
    expect(me.rows).toEqual([{ id: worker.id }]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cancelJob } from "../../src/jobs/cancel.js";
import { JobCancelledError } from "../../src/jobs/cancelled-error.js";
import { enqueueOnce } from "../../src/jobs/enqueue.js";
import { findActiveJobs } from "../../src/jobs/find-active-jobs.js";
import { jobIdForKey } from "../../src/jobs/job-id.js";
import { getJobRecord } from "../../src/jobs/records.js";
import { startWorker } from "../../src/jobs/worker/start-worker.js";
import { openAll, tempDataDir, waitFor } from "./setup.js";

interface Stopped {
  key: string;
  /** ms from the cancelJob call (or the start, for a timeout) to the abort reaching the handler. */
  at: number;
  isCancelError: boolean;
  cancelled: boolean;
  message: string;
}

describe("cancelJob (PGlite)", () => {
  let tmp: Awaited<ReturnType<typeof tempDataDir>>;
  let env: Awaited<ReturnType<typeof openAll>>;
  let worker: { stop(): Promise<void> };
  const started: Array<{ key: string; attempt: number }> = [];
  const stopped: Stopped[] = [];
  const gaveUp: string[] = [];

  beforeAll(async () => {
    tmp = await tempDataDir();
    env = await openAll(tmp.dir);
    worker = await startWorker(env.db, env.queue, {
      concurrency: 3,
      handlers: {
        // Like an agent run that only ends when its signal is aborted.
        hang: async (data: { returnNormally?: boolean }, ctx) => {
          started.push({ key: ctx.key, attempt: ctx.attempt });
          const t0 = Date.now();
          await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve, { once: true }));
          stopped.push({
            key: ctx.key,
            at: Date.now() - t0,
            isCancelError: ctx.signal.reason instanceof JobCancelledError,
            cancelled: ctx.cancelled(),
            message: (ctx.signal.reason as Error).message,
          });
          if (data.returnNormally) return { outcome: "finished anyway", tokens: { input: 5, output: 1 } };
          throw ctx.signal.reason;
        },
        quick: async (_data, ctx) => {
          started.push({ key: ctx.key, attempt: ctx.attempt });
          return { outcome: "done" };
        },
      },
      onGiveUp: async (_kind, _data, _error, key) => {
        gaveUp.push(key);
      },
    });
  });
  afterAll(async () => {
    await worker.stop();
    await env.close();
    await tmp.remove();
  });

  const bossState = async (kind: string, key: string) => {
    const { rows } = await env.db.query<{ state: string; retry_count: number }>(
      "SELECT state, retry_count FROM pgboss.job WHERE name = $1 AND id = $2",
      [kind, jobIdForKey(key)],
    );
    return rows[0];
  };
  const startedOnce = (key: string) => waitFor(`${key} to start`, async () => started.some((s) => s.key === key));

  it("cancels a running job: its signal aborts with a JobCancelledError, the record says cancelled, no retry, no give-up", async () => {
    const key = "hang:o/r:running";
    await enqueueOnce(env.db, env.queue, { key, kind: "hang", repo: "o/r", data: {} }, { retryLimit: 2 });
    await startedOnce(key);
    const asked = Date.now();
    expect(await cancelJob(env.db, key, "/codex stop by @alice")).toBe("cancel-requested");
    const stop = await waitFor("the handler to see the abort", async () => stopped.find((s) => s.key === key), 5000);
    expect(Date.now() - asked).toBeLessThan(2000);
    expect(stop).toMatchObject({
      isCancelError: true,
      cancelled: true,
      message: "the job was cancelled: /codex stop by @alice",
    });
    const record = await waitFor("the record to say cancelled", async () => {
      const r = await getJobRecord(env.db, key);
      return r?.status === "cancelled" ? r : null;
    });
    expect(record).toMatchObject({
      attempts: 1,
      outcome: "cancelled",
      error: "the job was cancelled: /codex stop by @alice",
      cancelReason: "/codex stop by @alice",
    });
    expect(record.finishedAt).not.toBeNull();
    expect(record.cancelRequestedAt).not.toBeNull();
    // Completed or cancelled in pg-boss, never failed: a failed job would come back for attempt 2.
    await waitFor("pg-boss to finish the job", async () => ["completed", "cancelled"].includes((await bossState("hang", key)).state));
    await new Promise((r) => setTimeout(r, 1500));
    expect(started.filter((s) => s.key === key)).toEqual([{ key, attempt: 1 }]);
    expect(gaveUp).not.toContain(key);
    expect((await getJobRecord(env.db, key))?.status).toBe("cancelled");
  });

  it("records a handler that returns normally after a cancel as cancelled too", async () => {
    const key = "hang:o/r:returns";
    await enqueueOnce(env.db, env.queue, { key, kind: "hang", repo: "o/r", data: { returnNormally: true } });
    await startedOnce(key);
    expect(await cancelJob(env.db, key)).toBe("cancel-requested");
    // A second stop while the first is being acted on: still running, the first reason stays.
    expect(await cancelJob(env.db, key, "a second stop")).toBe("cancel-requested");
    const record = await waitFor("the record to say cancelled", async () => {
      const r = await getJobRecord(env.db, key);
      return r?.status === "cancelled" ? r : null;
    });
    expect(record).toMatchObject({
      outcome: "cancelled",
      error: "the job was cancelled: cancelled on request",
      tokens: { input: 5, output: 1 },
    });
    expect(stopped.find((s) => s.key === key)?.cancelled).toBe(true);
  });

  it("cancels a job waiting its turn at once: it never runs, and the job it waited behind is cancelled too", async () => {
    const target = "o/r#7";
    const first = "hang:o/r:7:first";
    const second = "quick:o/r:7:second";
    await enqueueOnce(env.db, env.queue, { key: first, kind: "hang", repo: "o/r", data: {} }, { serialKey: target });
    await startedOnce(first);
    await enqueueOnce(env.db, env.queue, { key: second, kind: "quick", repo: "o/r", data: {} }, { serialKey: target });
    const active = await findActiveJobs(env.db, { repo: "o/r", target });
    expect(active.map((r) => [r.key, r.status, r.target])).toEqual([
      [first, "running", target],
      [second, "queued", target],
    ]);
    // Let the worker fetch the waiting job and put it back in line at least once.
    await new Promise((r) => setTimeout(r, 1200));
    expect(await cancelJob(env.db, second, "label removed")).toBe("cancelled-queued");
    expect(await getJobRecord(env.db, second)).toMatchObject({
      status: "cancelled",
      outcome: "cancelled",
      error: "cancelled before it started: label removed",
      attempts: 0,
    });
    expect((await bossState("quick", second)).state).toBe("cancelled");
    expect(await cancelJob(env.db, first, "label removed")).toBe("cancel-requested");
    await waitFor("the first job to be cancelled", async () => (await getJobRecord(env.db, first))?.status === "cancelled");
    expect(await findActiveJobs(env.db, { repo: "o/r", target })).toEqual([]);
    await new Promise((r) => setTimeout(r, 1500));
    expect(started.some((s) => s.key === second)).toBe(false);
  });

  it("answers not-running for an unknown or finished job, and refuses an empty key", async () => {
    expect(await cancelJob(env.db, "no:such:job")).toBe("not-running");
    const key = "quick:o/r:finished";
    await enqueueOnce(env.db, env.queue, { key, kind: "quick", repo: "o/r", data: {} });
    await waitFor("the quick job to succeed", async () => (await getJobRecord(env.db, key))?.status === "succeeded");
    expect(await cancelJob(env.db, key)).toBe("not-running");
    expect((await getJobRecord(env.db, key))?.status).toBe("succeeded");
    await expect(cancelJob(env.db, "")).rejects.toThrow(/job key is empty/);
    await expect(findActiveJobs(env.db, { repo: "o/r", target: "" })).rejects.toThrow(/target \(serial key\) is empty/);
  });

  it("tells a timeout from a cancel: no JobCancelledError, cancelled() false, and the job is given up", async () => {
    const key = "hang:o/r:timeout";
    await enqueueOnce(env.db, env.queue, { key, kind: "hang", repo: "o/r", data: {} }, { retryLimit: 0, expireInSeconds: 1 });
    await waitFor("onGiveUp for the timed-out job", async () => gaveUp.includes(key));
    expect(stopped.find((s) => s.key === key)).toMatchObject({
      isCancelError: false,
      cancelled: false,
      message: "the attempt exceeded its time limit of 1s",
    });
    expect(await getJobRecord(env.db, key)).toMatchObject({ status: "failed", cancelRequestedAt: null });
  });
});

import { afterAll, describe, expect, it } from "vitest";
import { enqueueOnce } from "../../src/jobs/enqueue.js";
import { getJobRecord, updateJobRecord } from "../../src/jobs/records.js";
import { startWorker } from "../../src/jobs/worker/start-worker.js";
import { useJobsDatabase, waitFor } from "./setup.js";

// A worker that recorded a job succeeded and died before pg-boss marked it complete leaves the queue's job to come
// back (after its expiry, or the liveness sweep). Its comment and PR are already out: running it again would post
// them twice. The claim refuses a succeeded record, and the queue's job is completed without a run.
describe("a job whose record already says succeeded (PGlite)", () => {
  // Registered first: its closing runs after the file's own (the worker stops before the database closes).
  const env = useJobsDatabase();
  let worker: { stop(): Promise<void> } | undefined;
  const runs: string[] = [];

  afterAll(async () => {
    await worker?.stop();
  });

  it("is completed in the queue without running again, its record untouched", async () => {
    const key = "triage:o/r:finished";
    const { id } = await enqueueOnce(env.db, env.queue, { key, kind: "triage", repo: "o/r", data: {} });
    await updateJobRecord(env.db, key, { status: "succeeded", outcome: "explained: code", finishedAt: new Date().toISOString() });
    worker = await startWorker(env.db, env.queue, {
      concurrency: 1,
      handlers: { triage: async (_data, ctx) => void runs.push(ctx.key) },
      onGiveUp: async () => undefined,
    });
    await waitFor(
      "the queue's job to complete",
      async () => (await env.db.query("SELECT state FROM pgboss.job WHERE id = $1", [id])).rows[0]?.state === "completed",
      15_000,
    );
    expect(runs).toEqual([]);
    const record = await getJobRecord(env.db, key);
    expect(record).toMatchObject({ status: "succeeded", outcome: "explained: code", attempts: 0 });
  });
});

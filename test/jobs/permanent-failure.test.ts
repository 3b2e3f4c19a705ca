import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enqueueOnce } from "../../src/jobs/enqueue.js";
import { getJobRecord } from "../../src/jobs/records.js";
import { PermanentJobError } from "../../src/jobs/worker/permanent.js";
import { startWorker } from "../../src/jobs/worker/start-worker.js";
import { openAll, tempDataDir, waitFor } from "./setup.js";

// A failure no retry can mend (the App uninstalled): one attempt, recorded failed with its outcome, and neither
// the queue's retries nor the give-up report (which would fail the same way). Found by the fault suite's
// uninstalled-App case, where each job made three attempts and its give-up report repeated.
describe("a permanent job failure (PGlite)", () => {
  let tmp: Awaited<ReturnType<typeof tempDataDir>>;
  let env: Awaited<ReturnType<typeof openAll>>;
  let worker: { stop(): Promise<void> };
  const attempts: number[] = [];
  const gaveUp: string[] = [];

  beforeAll(async () => {
    tmp = await tempDataDir();
    env = await openAll(tmp.dir);
    worker = await startWorker(env.db, env.queue, {
      concurrency: 1,
      handlers: {
        triage: async (_data, ctx) => {
          attempts.push(ctx.attempt);
          throw new PermanentJobError("the App is not installed", "failed: app not installed");
        },
      },
      onGiveUp: async (_kind, _data, _error, key) => void gaveUp.push(key),
    });
  });
  afterAll(async () => {
    await worker.stop();
    await env.close();
    await tmp.remove();
  });

  it("fails once, for good: record failed with the outcome, no retry, no give-up report", async () => {
    const key = "triage:o/r:gone";
    await enqueueOnce(env.db, env.queue, { key, kind: "triage", repo: "o/r", data: {} });
    const record = await waitFor("the job to fail", async () => {
      const r = await getJobRecord(env.db, key);
      return r?.status === "failed" ? r : null;
    });
    // Time for a retry (retryDelay 0 in FAST) or a dead letter to show.
    await new Promise((r) => setTimeout(r, 3000));
    expect(record).toMatchObject({
      status: "failed",
      attempts: 1,
      outcome: "failed: app not installed",
      error: "the App is not installed",
    });
    expect(record.finishedAt).not.toBeNull();
    expect(attempts).toEqual([1]);
    expect(gaveUp).toEqual([]);
    expect((await getJobRecord(env.db, key))?.status).toBe("failed");
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cancelJob } from "../../src/jobs/cancel.js";
import { enqueueOnce } from "../../src/jobs/enqueue.js";
import { jobIdForKey } from "../../src/jobs/job-id.js";
import type { JobsLog } from "../../src/jobs/log.js";
import { getJobRecord } from "../../src/jobs/records.js";
import { startWorker } from "../../src/jobs/worker/start-worker.js";
import { openAll, tempDataDir, waitFor } from "./setup.js";

interface Run {
  key: string;
  attempt: number;
  isLastAttempt: boolean;
  start: number;
  end?: number;
}

/** Whether two runs were in their handlers at the same time. */
const overlap = (a: Run, b: Run) => a.start < b.end! && b.start < a.end!;

describe("serial keys: one job at a time per target (PGlite)", () => {
  let tmp: Awaited<ReturnType<typeof tempDataDir>>;
  let env: Awaited<ReturnType<typeof openAll>>;
  let worker: { stop(): Promise<void> };
  const runs: Run[] = [];
  const waits: string[] = [];
  const log: JobsLog = {
    info: (obj, msg) => {
      if (msg === "job waits for its target") waits.push((obj as { job: string }).job);
    },
    warn: () => undefined,
    error: () => undefined,
  };

  beforeAll(async () => {
    tmp = await tempDataDir();
    env = await openAll(tmp.dir);
    worker = await startWorker(env.db, env.queue, {
      // More slots than any one target needs: whatever keeps same-target jobs apart, it is not a lack of slots.
      concurrency: 4,
      log,
      handlers: {
        step: async (data: { ms: number }, ctx) => {
          const run: Run = { key: ctx.key, attempt: ctx.attempt, isLastAttempt: ctx.isLastAttempt, start: Date.now() };
          runs.push(run);
          await new Promise((r) => setTimeout(r, data.ms));
          run.end = Date.now();
          return { outcome: "done" };
        },
        hang: async (_data, ctx) => {
          runs.push({ key: ctx.key, attempt: ctx.attempt, isLastAttempt: ctx.isLastAttempt, start: Date.now() });
          await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve, { once: true }));
          throw ctx.signal.reason;
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

  const succeeded = (keys: string[]) =>
    waitFor(`${keys.join(", ")} to succeed`, async () => {
      for (const key of keys) if ((await getJobRecord(env.db, key))?.status !== "succeeded") return false;
      return true;
    });

  it("runs jobs of one serial key one at a time in arrival order, and jobs of other keys alongside", async () => {
    const same = ["step:o/r#1:a", "step:o/r#1:b", "step:o/r#1:c"];
    const other = "step:o/r#2:a";
    const none = "step:o/r:no-key";
    // Arrival order: a, other, b, none, c. Enqueued one after another so that the order is defined.
    for (const [key, serialKey] of [
      [same[0], "o/r#1"],
      [other, "o/r#2"],
      [same[1], "o/r#1"],
      [none, undefined],
      [same[2], "o/r#1"],
    ] as const) {
      await enqueueOnce(env.db, env.queue, { key, kind: "step", repo: "o/r", data: { ms: 700 } }, serialKey ? { serialKey } : {});
    }
    await succeeded([...same, other, none]);

    const ran = (key: string) => runs.filter((r) => r.key === key);
    for (const key of [...same, other, none]) expect(ran(key)).toHaveLength(1);
    const chain = same.map((k) => ran(k)[0]);
    // In arrival order, each starting only after the previous one's handler returned.
    expect([...chain].sort((x, y) => x.start - y.start).map((r) => r.key)).toEqual(same);
    expect(chain[1].start).toBeGreaterThanOrEqual(chain[0].end!);
    expect(chain[2].start).toBeGreaterThanOrEqual(chain[1].end!);
    // The other key and the job without a key did not wait for the chain.
    expect(overlap(ran(other)[0], chain[0])).toBe(true);
    expect(overlap(ran(none)[0], chain[0])).toBe(true);
    // b and c were fetched while a ran and put back in line, without spending a retry.
    expect(waits).toEqual(expect.arrayContaining([same[1], same[2]]));
    expect(chain.map((r) => r.attempt)).toEqual([1, 1, 1]);
    for (const key of same) expect((await getJobRecord(env.db, key))?.attempts).toBe(1);
  });

  it("starts the next job of a key when the running one is cancelled; waiting spends no retries", async () => {
    const target = "o/r#3";
    const first = "hang:o/r#3:first";
    const next = "step:o/r#3:next";
    await enqueueOnce(env.db, env.queue, { key: first, kind: "hang", repo: "o/r", data: {} }, { serialKey: target });
    await waitFor("the first job to start", async () => runs.some((r) => r.key === first));
    // retryLimit 0: had waiting spent an attempt, the next job would fail instead of running.
    await enqueueOnce(env.db, env.queue, { key: next, kind: "step", repo: "o/r", data: { ms: 10 } }, { serialKey: target, retryLimit: 0 });
    await waitFor("the next job to be put back in line twice", async () => waits.filter((k) => k === next).length >= 2, 10_000);
    expect(runs.some((r) => r.key === next)).toBe(false);
    expect(await getJobRecord(env.db, next)).toMatchObject({ status: "queued", attempts: 0 });
    const { rows } = await env.db.query<{ retry_count: number }>("SELECT retry_count FROM pgboss.job WHERE id = $1", [jobIdForKey(next)]);
    expect(rows[0].retry_count).toBe(0);

    const cancelledAt = Date.now();
    expect(await cancelJob(env.db, first, "/codex stop")).toBe("cancel-requested");
    await succeeded([next]);
    const run = runs.find((r) => r.key === next)!;
    // Cancel noticed (≤ 1 s), then the next fetch after the wait (1 s) and a polling interval (0.5 s).
    expect(run.start - cancelledAt).toBeLessThan(4000);
    expect(run).toMatchObject({ attempt: 1, isLastAttempt: true });
    expect((await getJobRecord(env.db, first))?.status).toBe("cancelled");
  });

  it("refuses an empty serial key with a clear error", async () => {
    await expect(
      enqueueOnce(env.db, env.queue, { key: "step:bad", kind: "step", repo: "o/r", data: {} }, { serialKey: "" }),
    ).rejects.toThrow(/serialKey is empty/);
    expect(await getJobRecord(env.db, "step:bad")).toBeNull();
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/jobs/db.js";
import { getJobRecord, type JobRecord } from "../../src/jobs/records.js";
import { startWorker } from "../../src/jobs/worker/start-worker.js";
import { startChild } from "./child.js";
import { openAll, tempDataDir, waitFor } from "./setup.js";

interface ParentRun {
  runs: Array<{ key: string; attempt: number }>;
  gaveUp: Array<{ kind: string; key: string; error: string }>;
  records: Record<string, JobRecord | null>;
}

/**
 * Opens the DATA_DIR in this process, works `kinds` until `settled` says so (plus a few polling rounds
 * in which a duplicate run or give-up would show), and returns what happened and the final records.
 */
async function workInThisProcess(
  dataDir: string,
  kinds: string[],
  keys: string[],
  settled: (db: Database, gaveUp: ParentRun["gaveUp"]) => Promise<boolean>,
): Promise<ParentRun> {
  const env = await openAll(dataDir);
  const runs: ParentRun["runs"] = [];
  const gaveUp: ParentRun["gaveUp"] = [];
  const worker = await startWorker(env.db, env.queue, {
    concurrency: 2,
    handlers: Object.fromEntries(
      kinds.map((k) => [
        k,
        async (_data: unknown, ctx: { key: string; attempt: number }) => {
          runs.push({ key: ctx.key, attempt: ctx.attempt });
          return { outcome: "done in the new process" };
        },
      ]),
    ),
    onGiveUp: async (kind, _data, error, key) => {
      gaveUp.push({ kind, key, error });
    },
  });
  try {
    await waitFor("the jobs to settle in the new process", () => settled(env.db, gaveUp), 30_000);
    await new Promise((r) => setTimeout(r, 1500));
    const records: ParentRun["records"] = {};
    for (const key of keys) records[key] = await getJobRecord(env.db, key);
    return { runs, gaveUp, records };
  } finally {
    await worker.stop();
    await env.close();
  }
}

// The tests share one DATA_DIR and run in order: a PGlite directory belongs to one process at a time,
// so each step starts only after the previous process has let go of it (exited, or been killed).
describe("jobs across processes (PGlite DATA_DIR)", () => {
  let tmp: Awaited<ReturnType<typeof tempDataDir>>;

  beforeAll(async () => {
    tmp = await tempDataDir();
  });
  afterAll(async () => {
    await tmp.remove();
  });

  it("runs a job enqueued by a process that has since exited", async () => {
    const child = startChild({
      DATA_DIR: tmp.dir,
      CHILD_MODE: "enqueue",
      CHILD_JOBS: JSON.stringify([{ key: "restart:1", kind: "triage", retryLimit: 2, expireInSeconds: 30 }]),
    });
    await child.waitForEvent((e) => e.event === "exit", "the enqueueing child to finish");
    expect((await child.exited).code).toBe(0);
    expect(child.events[0]).toEqual({ event: "enqueued", key: "restart:1", enqueued: true });

    const result = await workInThisProcess(
      tmp.dir,
      ["triage"],
      ["restart:1"],
      async (db) => (await getJobRecord(db, "restart:1"))?.status === "succeeded",
    );
    expect(result.runs).toEqual([{ key: "restart:1", attempt: 1 }]);
    expect(result.records["restart:1"]).toMatchObject({ status: "succeeded", attempts: 1, outcome: "done in the new process" });
    expect(result.gaveUp).toEqual([]);
  });

  it("retries at start, at once, the jobs of a worker process killed mid-job, without spending their retries", async () => {
    // Production's attempt limit: before worker liveness these jobs waited 45 minutes for pg-boss to expire them.
    // crash:last has no retry of its own left: the worker's death is not its fault, so it runs again anyway.
    const child = startChild({
      DATA_DIR: tmp.dir,
      CHILD_MODE: "hang",
      CHILD_KINDS: JSON.stringify(["fix"]),
      CHILD_CONCURRENCY: "2",
      CHILD_JOBS: JSON.stringify([
        { key: "crash:retry", kind: "fix", retryLimit: 1, expireInSeconds: 2700 },
        { key: "crash:last", kind: "fix", retryLimit: 0, expireInSeconds: 2700 },
      ]),
    });
    await child.waitForEvent((e) => e.event === "started" && e.key === "crash:retry", "crash:retry to start");
    await child.waitForEvent((e) => e.event === "started" && e.key === "crash:last", "crash:last to start");
    child.proc.kill("SIGKILL");
    expect((await child.exited).signal).toBe("SIGKILL");

    const t0 = Date.now();
    let settledMs = 0;
    const result = await workInThisProcess(tmp.dir, ["fix"], ["crash:retry", "crash:last"], async (db) => {
      const done =
        (await getJobRecord(db, "crash:retry"))?.status === "succeeded" && (await getJobRecord(db, "crash:last"))?.status === "succeeded";
      if (done && !settledMs) settledMs = Date.now() - t0;
      return done;
    });
    // The dead worker's attempt counts as an attempt (the retry is attempt 2, which fences its late writes) and runs once.
    expect(result.runs.sort((a, b) => a.key.localeCompare(b.key))).toEqual([
      { key: "crash:last", attempt: 2 },
      { key: "crash:retry", attempt: 2 },
    ]);
    expect(result.records["crash:retry"]).toMatchObject({ status: "succeeded", attempts: 2, error: null });
    expect(result.records["crash:last"]).toMatchObject({ status: "succeeded", attempts: 2, error: null });
    expect(result.gaveUp).toEqual([]);
    // Opening the DATA_DIR and starting the worker included: seconds, not the attempt's 45 minutes.
    expect(settledMs).toBeGreaterThan(0);
    expect(settledMs).toBeLessThan(15_000);
  });
});

import { afterAll, describe, expect, it } from "vitest";
import { claimJobRecord } from "../../src/jobs/claim-record.js";
import { enqueueOnce } from "../../src/jobs/enqueue.js";
import type { JobsLog } from "../../src/jobs/log.js";
import { SCHEMA } from "../../src/jobs/migrations.js";
import { getJobRecord } from "../../src/jobs/records.js";
import { startWorker } from "../../src/jobs/worker/start-worker.js";
import { peakConcurrency } from "./peak.js";
import { useJobsDatabase, waitFor } from "./setup.js";

interface Run {
  key: string;
  installation: number;
  attempt: number;
  start: number;
  end?: number;
}

describe("per-installation concurrency (PGlite)", () => {
  // Registered first: its closing runs after the file's own (the worker stops before the database closes).
  const env = useJobsDatabase();
  let worker: { stop(): Promise<void> };
  const runs: Run[] = [];
  const waits: string[] = [];
  const log: JobsLog = {
    info: (obj, msg) => {
      if (msg === "job waits for its installation's turn") waits.push((obj as { key: string }).key);
    },
    warn: () => undefined,
    error: () => undefined,
  };
  const add = (key: string, installationId: number | null, opts: { ms?: number; kind?: string; serialKey?: string } = {}) =>
    enqueueOnce(
      env.db,
      env.queue,
      {
        key,
        kind: opts.kind ?? "step",
        repo: "o/r",
        data: { ms: opts.ms ?? 10, ...(installationId === null ? {} : { installationId }) },
      },
      opts.serialKey ? { serialKey: opts.serialKey } : {},
    );
  const slots = async (installationId: number) =>
    (
      await env.db.query<{ slot: number }>(
        `SELECT installation_slot AS slot FROM ${SCHEMA}.job_records
         WHERE status = 'running' AND data->>'installationId' = $1 ORDER BY installation_slot`,
        [String(installationId)],
      )
    ).rows.map((r) => Number(r.slot));

  afterAll(async () => {
    await worker?.stop();
  });

  it("claims up to the limit per installation, then says installation-busy; other installations and jobs without one go on", async () => {
    for (const k of ["c:a1", "c:a2", "c:a3"]) await add(k, 1);
    await add("c:b1", 2);
    await add("c:none", null);
    const now = new Date().toISOString();
    expect(await claimJobRecord(env.db, "c:a1", 1, now, 2)).toBe("claimed");
    expect(await claimJobRecord(env.db, "c:a2", 1, now, 2)).toBe("claimed");
    expect(await slots(1)).toEqual([0, 1]);
    expect(await claimJobRecord(env.db, "c:a3", 1, now, 2)).toBe("installation-busy");
    expect(await getJobRecord(env.db, "c:a3")).toMatchObject({ status: "queued", attempts: 0 });
    expect(await claimJobRecord(env.db, "c:b1", 1, now, 2)).toBe("claimed");
    expect(await claimJobRecord(env.db, "c:none", 1, now, 2)).toBe("claimed");
    // The job in slot 0 ends: a3 takes the freed slot, not a third one.
    await env.db.query(`UPDATE ${SCHEMA}.job_records SET status = 'succeeded' WHERE key = 'c:a1'`);
    expect(await claimJobRecord(env.db, "c:a3", 1, now, 2)).toBe("claimed");
    expect(await slots(1)).toEqual([0, 1]);
    // A retry of a running job (its worker died) claims its own record again: it does not count against itself.
    expect(await claimJobRecord(env.db, "c:a2", 2, now, 2)).toBe("claimed");
    // Without a limit (a worker not told one) nothing is counted.
    await add("c:a4", 1);
    expect(await claimJobRecord(env.db, "c:a4", 1, now)).toBe("claimed");
  });

  it("a busy target still says waiting, not installation-busy", async () => {
    await add("t:1", 3, { serialKey: "o/r#9" });
    await add("t:2", 3, { serialKey: "o/r#9" });
    const now = new Date().toISOString();
    expect(await claimJobRecord(env.db, "t:1", 1, now, 5)).toBe("claimed");
    expect(await claimJobRecord(env.db, "t:2", 1, now, 5)).toBe("waiting");
  });

  it("two running records cannot hold one slot of an installation: the unique index refuses the second", async () => {
    await add("u:1", 4);
    await add("u:2", 4);
    const take = (key: string) =>
      env.db.query(`UPDATE ${SCHEMA}.job_records SET status = 'running', installation_slot = 0 WHERE key = $1`, [key]);
    await take("u:1");
    await expect(take("u:2")).rejects.toMatchObject({ code: "23505" });
  });

  it("a flood of one installation's jobs runs one at a time; another installation's later jobs start before the flood ends", async () => {
    worker = await startWorker(env.db, env.queue, {
      // Four slots in this process: only the installation limit keeps installation 10 to one job at a time.
      concurrency: 4,
      maxJobsPerInstallation: 1,
      installationWaitSeconds: 1,
      log,
      handlers: {
        work: async (data: { ms: number; installationId: number }, ctx) => {
          const run: Run = { key: ctx.key, installation: data.installationId, attempt: ctx.attempt, start: Date.now() };
          runs.push(run);
          await new Promise((r) => setTimeout(r, data.ms));
          run.end = Date.now();
          return { outcome: "done" };
        },
      },
      onGiveUp: async () => undefined,
    });
    const flood = Array.from({ length: 5 }, (_, i) => `w:a:${i}`);
    for (const key of flood) await add(key, 10, { kind: "work", ms: 400 });
    const later = ["w:b:0", "w:b:1"];
    for (const key of later) await add(key, 11, { kind: "work", ms: 100 });
    await waitFor(
      "every job to succeed",
      async () => {
        for (const key of [...flood, ...later]) if ((await getJobRecord(env.db, key))?.status !== "succeeded") return false;
        return true;
      },
      30_000,
    );
    const of = (installation: number) => runs.filter((r) => r.installation === installation);
    expect(
      of(10)
        .map((r) => r.key)
        .sort(),
    ).toEqual(flood);
    expect(peakConcurrency(of(10))).toBe(1);
    expect(peakConcurrency(of(11))).toBe(1);
    const lastFloodEnd = Math.max(...of(10).map((r) => r.end!));
    for (const b of of(11)) expect(b.end!).toBeLessThan(lastFloodEnd);
    // Jobs over the limit went back in line without spending a retry.
    expect(waits.some((k) => flood.includes(k))).toBe(true);
    expect(runs.every((r) => r.attempt === 1)).toBe(true);
  });
});

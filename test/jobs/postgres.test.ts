import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cancelJob } from "../../src/jobs/cancel.js";
import { enqueueOnce } from "../../src/jobs/enqueue.js";
import { recordDelivery } from "../../src/jobs/ledger.js";
import { getJobRecord, listJobRecords } from "../../src/jobs/records.js";
import { startTestPostgres, type TestPostgres } from "../helpers/postgres.js";
import { startChild, type Child, type ChildEvent } from "./child.js";
import { FAST, openAll, waitFor } from "./setup.js";

// The same code on a real PostgreSQL, which is what lets many worker processes share one queue.
describe("jobs on PostgreSQL", () => {
  let server: TestPostgres;
  let env: Awaited<ReturnType<typeof openAll>>;
  const children: Child[] = [];

  beforeAll(async () => {
    server = await startTestPostgres();
    env = await openAll("", FAST, server.url);
  });
  afterAll(async () => {
    for (const c of children) if (c.proc.exitCode === null) c.proc.kill("SIGKILL");
    await Promise.all(children.map((c) => c.exited));
    await env?.close();
    await server?.stop();
  });

  it("uses Postgres, not PGlite, when a database URL is given", () => {
    expect(env.db.kind).toBe("postgres");
  });

  it("keeps the delivery ledger and at-most-once enqueue under concurrency", async () => {
    expect(await recordDelivery(env.db, { guid: "pg-guid-1", event: "issues" })).toBe(true);
    expect(await recordDelivery(env.db, { guid: "pg-guid-1", event: "issues" })).toBe(false);
    const job = { key: "pg:once", kind: "command", repo: "o/once", data: { n: 1 } };
    const results = await Promise.all(Array.from({ length: 10 }, () => enqueueOnce(env.db, env.queue, job)));
    expect(results.filter((r) => r.enqueued)).toHaveLength(1);
    const { rows } = await env.db.query<{ n: number }>("SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'command'");
    expect(rows[0].n).toBe(1);
  });

  it("runs each of N jobs exactly once with two worker processes on one queue", async () => {
    for (let i = 0; i < 2; i++) {
      children.push(
        startChild({
          DATABASE_URL: server.url,
          CHILD_MODE: "work",
          CHILD_KINDS: JSON.stringify(["triage"]),
          CHILD_CONCURRENCY: "2",
          CHILD_JOB_MS: "200",
        }),
      );
    }
    await Promise.all(children.map((c) => c.waitForEvent((e) => e.event === "working", "a worker process to start")));

    const N = 16;
    const keys = Array.from({ length: N }, (_, i) => `pg:job:${i}`);
    // Every key is sent twice, concurrently: duplicates must not make a second run.
    await Promise.all(
      [...keys, ...keys].map((key) => enqueueOnce(env.db, env.queue, { key, kind: "triage", repo: "o/many", data: { key } })),
    );
    await waitFor(
      "all jobs to succeed",
      async () => (await listJobRecords(env.db, { limit: 100, repo: "o/many", status: "succeeded" })).length === N,
      60_000,
    );
    // Give a duplicate run the chance to show up before counting.
    await new Promise((r) => setTimeout(r, 1000));

    const started = children.flatMap((c) => c.events.filter((e) => e.event === "started"));
    expect(started.map((e) => e.key).sort()).toEqual([...keys].sort());
    const pids = new Set(started.map((e) => e.pid));
    expect(pids.size).toBe(2);
    const records = await listJobRecords(env.db, { limit: 100, repo: "o/many" });
    expect(records.every((r) => r.status === "succeeded" && r.attempts === 1)).toBe(true);
    expect(new Set(records.map((r) => r.outcome))).toEqual(new Set([...pids].map((p) => `done by ${p}`)));
  });

  // Uses the two worker processes of the test above (2 × concurrency 2): four slots compete for
  // every job, so only the claim in the records table keeps a target's jobs apart.
  it("runs the jobs of one serial key one at a time, in order, across worker processes", async () => {
    const targets = ["o/serial#1", "o/serial#2"];
    const keys = (t: number) => [0, 1, 2].map((i) => `pg:serial:${t}:${i}`);
    for (let i = 0; i < 3; i++) {
      for (let t = 0; t < 2; t++) {
        const key = keys(t)[i];
        await enqueueOnce(env.db, env.queue, { key, kind: "triage", repo: "o/serial", data: { key, ms: 500 } }, { serialKey: targets[t] });
      }
    }
    await waitFor(
      "the serial jobs to succeed",
      async () => (await listJobRecords(env.db, { limit: 100, repo: "o/serial", status: "succeeded" })).length === 6,
      30_000,
    );
    const events = (name: string) => children.flatMap((c) => c.events.filter((e) => e.event === name));
    const at = (name: string, key: string): ChildEvent[] => events(name).filter((e) => e.key === key);
    const chains = [0, 1].map((t) =>
      keys(t).map((key) => {
        const [start, ...moreStarts] = at("started", key);
        expect(moreStarts).toEqual([]);
        return { key, start: start.t as number, end: at("finished", key)[0].t as number, pid: start.pid as number };
      }),
    );
    for (const [t, chain] of chains.entries()) {
      expect([...chain].sort((a, b) => a.start - b.start).map((r) => r.key)).toEqual(keys(t));
      for (let i = 1; i < chain.length; i++) expect(chain[i].start).toBeGreaterThanOrEqual(chain[i - 1].end);
    }
    // Later jobs were fetched while their target was busy and put back in line (by either process).
    const waited = events("log").filter((e) => e.msg === "job waits for its target" && String(e.key).startsWith("pg:serial:"));
    expect(waited.length).toBeGreaterThan(0);
    // The two targets did not wait for each other: their first jobs ran at the same time.
    const [a, b] = [chains[0][0], chains[1][0]];
    expect(a.start < b.end && b.start < a.end).toBe(true);
    const records = await listJobRecords(env.db, { limit: 100, repo: "o/serial" });
    expect(records.every((r) => r.attempts === 1 && targets.includes(r.target!))).toBe(true);
  });

  it("cancels a job running in another process", async () => {
    const key = "pg:cancel:1";
    await enqueueOnce(env.db, env.queue, { key, kind: "triage", repo: "o/cancel", data: { key, untilAborted: true } }, { retryLimit: 2 });
    const runner = await Promise.race(
      children.map((c) => c.waitForEvent((e) => e.event === "started" && e.key === key, "the job to start").then(() => c)),
    );
    const asked = Date.now();
    expect(await cancelJob(env.db, key, "/codex stop")).toBe("cancel-requested");
    const aborted = await runner.waitForEvent((e) => e.event === "aborted" && e.key === key, "the abort", 5000);
    expect(Date.now() - asked).toBeLessThan(2000);
    expect(aborted).toMatchObject({ cancelled: true, message: "the job was cancelled: /codex stop" });
    await waitFor("the record to say cancelled", async () => (await getJobRecord(env.db, key))?.status === "cancelled");
    await new Promise((r) => setTimeout(r, 1500));
    expect(children.flatMap((c) => c.events.filter((e) => e.key === key && (e.event === "started" || e.event === "gave-up")))).toHaveLength(
      1,
    );
    expect(await getJobRecord(env.db, key)).toMatchObject({ status: "cancelled", attempts: 1, outcome: "cancelled" });
  });
});

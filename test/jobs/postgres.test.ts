import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enqueueOnce } from "../../src/jobs/enqueue.js";
import { recordDelivery } from "../../src/jobs/ledger.js";
import { listJobRecords } from "../../src/jobs/records.js";
import { startTestPostgres, type TestPostgres } from "../helpers/postgres.js";
import { startChild, type Child } from "./child.js";
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
});

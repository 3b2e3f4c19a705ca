import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIGRATIONS, SCHEMA } from "../../src/jobs/migrations.js";
import { listJobRecords } from "../../src/jobs/records.js";
import { recordFaultRow } from "../faults/fault-row.js";
import { oldRelease, type OldRelease } from "../helpers/old-release.js";
import { startTestPostgres, type TestPostgres } from "../helpers/postgres.js";
import { startChild, type Child, type ChildEvent } from "./child.js";
import { waitFor } from "./setup.js";
import pg from "pg";

const SCRIPT = fileURLToPath(new URL("./fixtures/release-child.ts", import.meta.url));

// The previous release's real code (built from git by old-release.ts) makes the database and queues jobs; this
// release's processes take over. First build: about a minute on a busy 2-core machine; cached after that.
describe("upgrading from the previous release on one PostgreSQL", () => {
  let release: OldRelease;
  const children: Child[] = [];
  const servers: TestPostgres[] = [];
  const start = (env: Record<string, string>, old: boolean) => {
    const child = startChild({ ...env, ...(old ? { RELEASE_DIR: release.dir } : {}) }, SCRIPT);
    children.push(child);
    return child;
  };
  const events = (name: string, keys: string[]): ChildEvent[] =>
    children.flatMap((c) => c.events.filter((e) => e.event === name && keys.includes(e.key)));
  const versions = async (url: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ version: number; n: number }>(
        `SELECT version, count(*)::int AS n FROM ${SCHEMA}.schema_migrations GROUP BY version ORDER BY version`,
      );
      return rows;
    } finally {
      await client.end();
    }
  };
  const jobs = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => ({ key: `${prefix}:${i}`, installationId: 1 + (i % 3) }));

  beforeAll(async () => {
    release = await oldRelease();
  }, 300_000);
  afterAll(async () => {
    for (const c of children) if (c.proc.exitCode === null) c.proc.kill("SIGKILL");
    await Promise.all(children.map((c) => c.exited));
    for (const s of servers) await s.stop();
  });

  it("says clearly when the clone lacks the previous release's commit", async () => {
    await expect(oldRelease("0123456789abcdef0123456789abcdef01234567")).rejects.toThrow(/not in this clone's git history.*full clone/);
  });

  it("three new processes starting together on the old release's database migrate it once; the jobs it queued run once", async () => {
    const server = await startTestPostgres();
    servers.push(server);
    const queued = jobs("before", 12);
    const enqueuer = start({ DATABASE_URL: server.url, CHILD_MODE: "enqueue", CHILD_JOBS: JSON.stringify(queued) }, true);
    await enqueuer.waitForEvent((e) => e.event === "exit", "the old release to queue its jobs", 60_000);
    expect(
      events(
        "enqueued",
        queued.map((j) => j.key),
      ).every((e) => e.enqueued && e.version === "old"),
    ).toBe(true);
    expect((await versions(server.url)).map((r) => r.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);

    const workers = [0, 1, 2].map(() => start({ DATABASE_URL: server.url, CHILD_MODE: "work" }, false));
    await Promise.all(workers.map((c) => c.waitForEvent((e) => e.event === "working", "a new worker to start", 60_000)));
    const applied = await versions(server.url);
    expect(applied.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(applied.every((r) => r.n === 1)).toBe(true);

    const keys = queued.map((j) => j.key);
    await waitFor("the old jobs to succeed", async () => events("finished", keys).length >= keys.length, 60_000);
    await new Promise((r) => setTimeout(r, 1000));
    const started = events("started", keys);
    expect(started.map((e) => e.key).sort()).toEqual([...keys].sort());
    expect(started.every((e) => e.version === "new" && e.attempt === 1)).toBe(true);
    const records = await recordsOf(server.url, "before:");
    expect(records.map((r) => `${r.status}/${r.attempts}/${r.outcome}`)).toEqual(keys.map(() => "succeeded/1/done by the new release"));
  }, 180_000);

  it("rolling upgrade: an old and a new worker on one queue run every job exactly once", async (ctx) => {
    const server = await startTestPostgres();
    servers.push(server);
    // The old worker starts first, on the schema it knows (a release refuses a database newer than itself at
    // start, so in a rolling upgrade the old processes are the ones already running).
    const old = start({ DATABASE_URL: server.url, CHILD_MODE: "work", CHILD_JOB_MS: "150" }, true);
    const N = 30;
    const byOld = jobs("rolling-old", N / 2);
    const byNew = jobs("rolling-new", N / 2);
    const oldWeb = start({ DATABASE_URL: server.url, CHILD_MODE: "enqueue-on-signal", CHILD_JOBS: JSON.stringify(byOld) }, true);
    await old.waitForEvent((e) => e.event === "working", "the old worker to start", 60_000);
    await oldWeb.waitForEvent((e) => e.event === "ready", "the old web process to start", 60_000);
    const fresh = start({ DATABASE_URL: server.url, CHILD_MODE: "work", CHILD_JOB_MS: "150" }, false);
    await fresh.waitForEvent((e) => e.event === "working", "the new worker to start", 60_000);
    expect((await versions(server.url)).map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));

    // Half the jobs queued by old code (the old web process, still up), half by new code, at the same time.
    oldWeb.proc.kill("SIGUSR2");
    const enqueuers = [oldWeb, start({ DATABASE_URL: server.url, CHILD_MODE: "enqueue", CHILD_JOBS: JSON.stringify(byNew) }, false)];
    await Promise.all(enqueuers.map((c) => c.waitForEvent((e) => e.event === "exit", "the jobs to be queued", 60_000)));
    const keys = [...byOld, ...byNew].map((j) => j.key);
    await waitFor("every job to finish", async () => new Set(events("finished", keys).map((e) => e.key)).size === N, 90_000);
    await new Promise((r) => setTimeout(r, 1500));

    const started = events("started", keys);
    const perKey = new Map<string, number>();
    for (const e of started) perKey.set(e.key, (perKey.get(e.key) ?? 0) + 1);
    const lost = keys.filter((k) => !perKey.has(k)).length;
    const duplicates = [...perKey.values()].reduce((sum, n) => sum + n - 1, 0);
    const ranOn = new Set(started.map((e) => e.version));
    const records = await recordsOf(server.url, "rolling-");
    recordFaultRow(ctx, {
      case: "rolling upgrade",
      outcome: `${N} jobs on an old and a new worker (${started.filter((e) => e.version === "old").length} old, ${started.filter((e) => e.version === "new").length} new)`,
      comments: 0,
      checkRuns: 0,
      prs: 0,
      lost,
      duplicates,
    });
    expect(lost).toBe(0);
    expect(duplicates).toBe(0);
    expect(ranOn).toEqual(new Set(["old", "new"]));
    expect(records).toHaveLength(N);
    expect(records.every((r) => r.status === "succeeded" && r.attempts === 1)).toBe(true);
  }, 180_000);
});

/** The job records, read with this release's code (it knows every column either release wrote). */
async function recordsOf(url: string, prefix: string) {
  const { openDatabase } = await import("../../src/jobs/db.js");
  const db = await openDatabase({ dataDir: "", databaseUrl: url });
  try {
    const all = await listJobRecords(db, { limit: 1000, repo: "o/upgrade" });
    return all.filter((r) => r.key.startsWith(prefix)).sort((a, b) => a.key.localeCompare(b.key, "en", { numeric: true }));
  } finally {
    await db.close();
  }
}

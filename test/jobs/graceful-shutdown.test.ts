import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enqueueOnce } from "../../src/jobs/enqueue.js";
import { getJobRecord } from "../../src/jobs/records.js";
import { HANDED_BACK_PHASE } from "../../src/jobs/worker/hand-back.js";
import { startTestPostgres, type TestPostgres } from "../helpers/postgres.js";
import { running } from "../helpers/processes.js";
import { startChild, type Child } from "./child.js";
import { FAST, openAll, waitFor } from "./setup.js";

const GRACEFUL = fileURLToPath(new URL("./fixtures/graceful-child.ts", import.meta.url));

// Worker processes on one PostgreSQL, stopped by SIGTERM the way an orchestrator stops them (src/shutdown.ts,
// the code main.ts installs). Each job's agent is a real `sleep` process whose length marks it in /proc.
describe("graceful shutdown of a worker", () => {
  let server: TestPostgres;
  let env: Awaited<ReturnType<typeof openAll>>;
  const children: Child[] = [];
  const start = (graceMs: number, extra: Record<string, string> = {}) => {
    const child = startChild({ DATABASE_URL: server.url, GRACE_MS: String(graceMs), ...extra }, GRACEFUL);
    children.push(child);
    return child;
  };
  const enqueue = (key: string, sleep: string, retryLimit: number) =>
    enqueueOnce(env.db, env.queue, { key, kind: "fix", repo: "o/r", data: { key, sleep } }, { retryLimit, expireInSeconds: 300 });
  const bossJob = async (id: string) =>
    (
      await env.db.query<{ state: string; retry_count: number; started_on: unknown }>(
        "SELECT state, retry_count, started_on FROM pgboss.job WHERE id = $1::uuid",
        [id],
      )
    ).rows[0];

  beforeAll(async () => {
    server = await startTestPostgres();
    env = await openAll("", FAST, server.url);
  });
  afterAll(async () => {
    for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill("SIGKILL");
    await Promise.all(children.map((c) => c.exited));
    await env?.close();
    await server?.stop();
  });

  it("SIGTERM with a grace longer than the run: the job finishes, nothing new is taken, exit 0", async () => {
    const child = start(20_000);
    await enqueue("grace:long", "3.101", 2);
    await child.waitForEvent((e) => e.event === "started" && e.key === "grace:long", "the job to start");
    child.proc.kill("SIGTERM");
    await child.waitForEvent((e) => e.msg === "worker stopping: no new jobs", "the worker to stop fetching");
    // Queued after the signal: a worker that still fetched would take it the moment the first job ends.
    const second = await enqueue("grace:after-sigterm", "0.1", 2);
    expect(await child.exited).toEqual({ code: 0, signal: null });
    expect(child.events.filter((e) => e.event === "finished").map((e) => e.key)).toEqual(["grace:long"]);
    expect(await getJobRecord(env.db, "grace:long")).toMatchObject({ status: "succeeded", attempts: 1, error: null });
    expect(child.events.some((e) => e.event === "started" && e.key === "grace:after-sigterm")).toBe(false);
    expect(await getJobRecord(env.db, "grace:after-sigterm")).toMatchObject({ status: "queued", attempts: 0 });
    expect(await bossJob(second.id)).toMatchObject({ state: "created", retry_count: 0, started_on: null });
  });

  it("SIGTERM with a grace shorter than the run: the agent is killed, the job handed back unspent, and a fresh worker runs it", async () => {
    // retryLimit 0: a shutdown that failed the attempt would dead-letter the job and give up on it.
    const child = start(1_000);
    const job = await enqueue("grace:short", "30.202", 0);
    await child.waitForEvent((e) => e.event === "started" && e.key === "grace:short", "the job to start");
    await waitFor("the agent to run", () => running("30.202"), 10_000);
    child.proc.kill("SIGTERM");
    expect(await child.exited).toEqual({ code: 0, signal: null });
    expect(await running("30.202")).toBe(false);
    // (This worker may first have run the job queued after the first test's SIGTERM: it was left for the next worker.)
    expect(child.events.some((e) => e.event === "finished" && e.key === "grace:short")).toBe(false);
    expect(await getJobRecord(env.db, "grace:short")).toMatchObject({
      status: "queued",
      attempts: 1,
      phase: HANDED_BACK_PHASE,
      error: "the worker shut down and its grace period of 1s ran out",
    });
    expect(await bossJob(job.id)).toMatchObject({ state: "created", retry_count: 0, started_on: null });

    // A fresh worker (its agent short this time) runs it as the same first attempt, once, and nobody gives up.
    const next = start(20_000, { SLEEP_OVERRIDE: "0.2" });
    await next.waitForEvent((e) => e.event === "finished" && e.key === "grace:short", "the fresh worker to finish the job", 20_000);
    await waitFor("the record to succeed", async () => (await getJobRecord(env.db, "grace:short"))?.status === "succeeded", 10_000);
    expect(await getJobRecord(env.db, "grace:short")).toMatchObject({ status: "succeeded", attempts: 1, phase: null, error: null });
    expect(next.events.filter((e) => e.event === "started" && e.key === "grace:short")).toMatchObject([{ attempt: 1 }]);
    expect([...child.events, ...next.events].some((e) => e.event === "gave-up")).toBe(false);
    next.proc.kill("SIGTERM");
    expect(await next.exited).toEqual({ code: 0, signal: null });
    expect(await bossJob(job.id)).toMatchObject({ state: "completed", retry_count: 0 });
    // Every worker so far stopped gracefully and deleted its liveness row: none is left for a sweep to wait on.
    expect((await env.db.query("SELECT id FROM codex_dispatch.workers")).rows).toEqual([]);
  });

  it("a second SIGTERM during the grace period kills the agent at once and still hands the job back", async () => {
    const child = start(60_000);
    const job = await enqueue("grace:twice", "40.303", 1);
    await child.waitForEvent((e) => e.event === "started" && e.key === "grace:twice", "the job to start");
    await waitFor("the agent to run", () => running("40.303"), 10_000);
    child.proc.kill("SIGTERM");
    await child.waitForEvent((e) => e.msg === "worker stopping: no new jobs", "the worker to stop fetching");
    const second = Date.now();
    child.proc.kill("SIGTERM");
    expect(await child.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - second).toBeLessThan(15_000);
    expect(await running("40.303")).toBe(false);
    expect(await getJobRecord(env.db, "grace:twice")).toMatchObject({
      status: "queued",
      attempts: 1,
      phase: HANDED_BACK_PHASE,
      error: "the worker was told to stop at once during its shutdown grace period",
    });
    expect(await bossJob(job.id)).toMatchObject({ state: "created", retry_count: 0, started_on: null });
  });
});

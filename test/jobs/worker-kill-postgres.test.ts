import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enqueueOnce } from "../../src/jobs/enqueue.js";
import { jobIdForKey } from "../../src/jobs/job-id.js";
import { startTestPostgres, type TestPostgres } from "../helpers/postgres.js";
import { startChild, type Child } from "./child.js";
import { FAST, openAll, waitFor } from "./setup.js";

// Worker liveness across processes on one PostgreSQL: a worker process SIGKILLed mid-job, with the attempt limit at
// its production default (2700 s), and beats of 1 s counted dead after 5 s. Two other worker processes sweep at
// the same time; the job must finish on one of them, once, within seconds.
const LIVENESS = { CHILD_HEARTBEAT_SECONDS: "1", CHILD_DEAD_AFTER_SECONDS: "5" };

describe("a worker process killed mid-job on PostgreSQL", () => {
  let server: TestPostgres;
  let env: Awaited<ReturnType<typeof openAll>>;
  const children: Child[] = [];
  const start = (vars: Record<string, string>) => {
    const child = startChild({ DATABASE_URL: server.url, CHILD_KINDS: JSON.stringify(["triage"]), ...LIVENESS, ...vars });
    children.push(child);
    return child;
  };

  beforeAll(async () => {
    server = await startTestPostgres();
    env = await openAll("", FAST, server.url);
  }, 120_000);
  afterAll(async () => {
    for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill("SIGKILL");
    await Promise.all(children.map((c) => c.exited));
    await env?.close();
    await server?.stop();
  });

  it("SIGKILL a worker mid-job (attempt limit 2700 s) → the job finishes on another worker within ~15 s, once, its record consistent", async () => {
    const victim = start({ CHILD_MODE: "hang" });
    await victim.waitForEvent((e) => e.event === "working", "the victim to start");
    const key = "kill:1";
    // retryLimit 0: the worker's death must not spend a retry the job does not have.
    await enqueueOnce(env.db, env.queue, { key, kind: "triage", repo: "o/kill", data: { key } }, { retryLimit: 0, expireInSeconds: 2700 });
    await victim.waitForEvent((e) => e.event === "started" && e.key === key, "the victim to start the job", 60_000);

    const survivors = [start({ CHILD_MODE: "work", CHILD_JOB_MS: "200" }), start({ CHILD_MODE: "work", CHILD_JOB_MS: "200" })];
    const ids = await Promise.all(survivors.map((s) => s.waitForEvent((e) => e.event === "working", "a survivor to start", 60_000)));
    victim.proc.kill("SIGKILL");
    expect((await victim.exited).signal).toBe("SIGKILL");
    const killedAt = Date.now();

    const finished = await Promise.any(
      survivors.map((s) => s.waitForEvent((e) => e.event === "finished" && e.key === key, "a survivor to finish the job", 60_000)),
    );
    const recoveredMs = Date.now() - killedAt;
    // A duplicate run or a second completion would show in these seconds.
    await new Promise((r) => setTimeout(r, 3000));

    expect(recoveredMs).toBeLessThan(15_000);
    const started = survivors.flatMap((s) => s.events.filter((e) => e.event === "started" && e.key === key));
    expect(started).toHaveLength(1);
    expect(started[0]).toMatchObject({ attempt: 2, pid: finished.pid });
    expect(survivors.flatMap((s) => s.events.filter((e) => e.event === "finished" && e.key === key))).toHaveLength(1);
    expect(survivors.flatMap((s) => s.events.filter((e) => e.event === "gave-up"))).toEqual([]);
    const survivorId = ids.find((w) => w.pid === finished.pid)?.worker;

    const { rows } = await env.db.query(
      `SELECT status, attempts, worker_id, worker_deaths, error, outcome FROM codex_dispatch.job_records WHERE key = $1`,
      [key],
    );
    expect(rows).toEqual([
      { status: "succeeded", attempts: 2, worker_id: survivorId, worker_deaths: 1, error: null, outcome: `done by ${finished.pid}` },
    ]);
    const boss = await env.db.query(`SELECT state, retry_count, retry_limit FROM pgboss.job WHERE id = $1::uuid`, [jobIdForKey(key)]);
    expect(boss.rows).toEqual([{ state: "completed", retry_count: 1, retry_limit: 1 }]);
    // The victim's row was swept with its job; the survivors' rows beat on.
    const workers = await waitFor("the workers table to hold the two survivors", async () => {
      const r = await env.db.query<{ id: string }>("SELECT id FROM codex_dispatch.workers ORDER BY id");
      return r.rows.length === 2 ? r.rows.map((w) => w.id) : null;
    });
    expect(workers).toEqual(ids.map((w) => w.worker as string).sort());
  }, 180_000);
});

// The fault suite's stack: a throwaway PostgreSQL, the GitHub stand-in and the scripted model in the test
// process, and real app processes around them: one `ROLE=web` and N `ROLE=worker` (`node dist/src/main.js`, as
// production runs them), each with its own DATA_DIR and WORKSPACE_DIR, all on the one database. Webhooks are
// signed and POSTed to the web process's port, as GitHub sends them. What the table counts is read from the
// stand-in's state and the database, never from the app's own word.
//
// API (stable: cases in other files build on it):
//   const stack = await startFaultStack({ workers: 2, script });
//   stack.gate.hold(match?) / stack.gate.release()       → keep codex runs mid-run, then let them finish
//   await stack.deliver("workflow_run", payload)          → { status, body } of the web process's answer
//   stack.workerOf(key)                                   → the worker that last started the job
//   await stack.waitForJob(key)                           → the job's record once it has ended
//   await stack.addWorker(env?)                           → one more worker process
//   stack.counts(repoFullName)                            → comments, check runs, PRs of one repository
//   await stack.jobRecords(repoFullName)                  → every job record of one repository
//   await stack.stop()
import { createHmac, generateKeyPairSync, randomUUID } from "node:crypto";
import { chmod, mkdir, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { startGitHubStandIn, type GitHubStandIn } from "../../demo/github-standin.js";
import { startScriptedModel, type Script, type ScriptedModel } from "../../demo/scripted-model.js";
import { openDatabase, type Database } from "../../src/jobs/db.js";
import { getJobRecord, type JobRecord } from "../../src/jobs/records.js";
import { startTestPostgres, type TestPostgres } from "../helpers/postgres.js";
import { assertBuilt, startAppProcess, type AppProcess } from "./app-process.js";
import { countsOf, type GitHubCounts } from "./counts.js";
import { startModelGate, type ModelGate } from "./model-gate.js";

export const FAULT_APP = { id: 4242, slug: "codex-dispatch" };
export const WEBHOOK_SECRET = "fault-suite-webhook-secret";

/**
 * Queue timing of every app process: quick polling and short worker heartbeats (1 s beats, dead after 5 s), so a
 * killed worker's job is retried within seconds. The attempt limit stays at production's default (JOB_ATTEMPT_SECONDS,
 * 45 minutes): recovery from a dead worker must come from its missed heartbeats, as in production, not from an
 * attempt limit lowered for the suite.
 */
export const FAULT_QUEUE_ENV = {
  QUEUE_POLL_SECONDS: "0.5",
  QUEUE_MAINTENANCE_SECONDS: "1",
  WORKER_HEARTBEAT_SECONDS: "1",
  WORKER_DEAD_AFTER_SECONDS: "5",
  JOB_RETRY_DELAY_SECONDS: "1",
  JOB_RETRY_LIMIT: "2",
};

export interface FaultStackOptions {
  /** Worker processes to start (default 2). */
  workers?: number;
  /** The scripted model's script (it can be changed later through `stack.model.setScript`). */
  script?: Script;
  /** More environment for every app process (over FAULT_QUEUE_ENV). */
  env?: Record<string, string>;
  /** More environment for worker `index` (0-based), e.g. a WORKSPACE_DIR of its own on a small tmpfs. */
  workerEnv?: (index: number) => Record<string, string>;
}

export interface Delivery {
  status: number;
  body: string;
}

export interface FaultStack {
  pg: TestPostgres;
  standIn: GitHubStandIn;
  model: ScriptedModel;
  /** Between the app and the model: holds model requests mid-run until released (model-gate.ts). */
  gate: ModelGate;
  web: AppProcess;
  workers: AppProcess[];
  /** The suite's own connection to the app's database (job records, pg-boss's tables). */
  db: Database;
  /** Signs `payload` and POSTs it to the web process; a connection error answers status 0. */
  deliver(event: string, payload: object, id?: string): Promise<Delivery>;
  addWorker(env?: Record<string, string>): Promise<AppProcess>;
  /** The worker whose log says it last started the job `key`. */
  workerOf(key: string): AppProcess | undefined;
  /** Every worker that started the job `key`, in the order they did. */
  workersThatStarted(key: string): AppProcess[];
  /** Waits until the job has succeeded or finally failed (and its give-up comment had time to be posted). */
  waitForJob(key: string, timeoutMs?: number): Promise<JobRecord>;
  counts(repoFullName: string): GitHubCounts;
  jobRecords(repoFullName: string): Promise<{ key: string; status: string; attempts: number; outcome: string | null }[]>;
  stop(): Promise<void>;
}

export async function startFaultStack(opts: FaultStackOptions = {}): Promise<FaultStack> {
  await assertBuilt();
  const dir = await mkdtemp(path.join(tmpdir(), "codex-dispatch-faults-"));
  // As in production: as root, agents run under their own uids, which must be able to pass through `dir`.
  await chmod(dir, 0o711);
  const started: { stop(): Promise<unknown> }[] = [];
  const processes: AppProcess[] = [];
  const stopAll = async () => {
    for (const p of processes) p.kill("SIGKILL");
    await Promise.all(processes.map((p) => p.exited));
    for (const s of started.reverse()) await s.stop().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const pg = await startTestPostgres();
    started.push(pg);
    const standIn = await startGitHubStandIn();
    started.push({ stop: () => standIn.close() });
    const model = await startScriptedModel(opts.script);
    started.push({ stop: () => model.close() });
    const gate = await startModelGate(model.baseUrl);
    started.push({ stop: () => gate.close() });
    const privateKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
    const common = {
      APP_ID: String(FAULT_APP.id),
      APP_SLUG: FAULT_APP.slug,
      PRIVATE_KEY: privateKey,
      WEBHOOK_SECRET,
      GHE_HOST: standIn.host,
      GHE_PROTOCOL: "http",
      DATABASE_URL: pg.url,
      MODEL_BASE_URL: gate.baseUrl,
      CODEX_API_KEY: `sk-upstream-${randomUUID()}`,
      // A model whose tools are plain functions (exec_command, apply_patch): what the scripted model speaks.
      CODEX_MODEL: "gpt-5.5",
      HOST: "127.0.0.1",
      LOG_LEVEL: "info",
      LOG_FORMAT: "json",
      ...FAULT_QUEUE_ENV,
      ...opts.env,
    };
    let workerCount = 0;
    const processEnv = async (name: string, extra: Record<string, string>) => {
      const data = path.join(dir, name);
      await mkdir(data, { recursive: true });
      return { ...common, DATA_DIR: data, WORKSPACE_DIR: path.join(data, "workspace"), ...extra };
    };
    const addWorker = async (extra: Record<string, string> = {}) => {
      const index = workerCount++;
      const name = `worker-${index + 1}`;
      const env = await processEnv(name, { HEALTH_PORT: "0", ...opts.workerEnv?.(index), ...extra });
      const worker = startAppProcess(name, "worker", env);
      processes.push(worker);
      await worker.waitForLog((l) => l.msg === "worker started", "the worker to start");
      return worker;
    };
    const port = await freePort();
    const web = startAppProcess("web", "web", await processEnv("web", { PORT: String(port) }));
    processes.push(web);
    await web.waitForLog((l) => typeof l.msg === "string" && l.msg.startsWith("Listening on"), "the web process to listen");
    const workers: AppProcess[] = [];
    // One at a time: several first starts on one database would race on pg-boss's own schema creation.
    for (let i = 0; i < (opts.workers ?? 2); i++) workers.push(await addWorker());
    const db = await openDatabase({ databaseUrl: pg.url, dataDir: "" });
    started.push({ stop: () => db.close() });

    const startedBy = (key: string) =>
      [web, ...workers].filter((p) => p.role === "worker" && p.logs.some((l) => l.msg === "job started" && l.key === key));
    return {
      pg,
      standIn,
      model,
      gate,
      web,
      workers,
      db,
      async deliver(event, payload, id = randomUUID()) {
        const body = JSON.stringify(payload);
        const signature = `sha256=${createHmac("sha256", WEBHOOK_SECRET).update(body).digest("hex")}`;
        try {
          const res = await fetch(`http://127.0.0.1:${port}/api/github/webhooks`, {
            method: "POST",
            headers: {
              "content-type": "application/json",
              "x-github-event": event,
              "x-github-delivery": id,
              "x-hub-signature-256": signature,
            },
            body,
            signal: AbortSignal.timeout(30_000),
          });
          return { status: res.status, body: await res.text() };
        } catch (err) {
          return { status: 0, body: (err as Error).message };
        }
      },
      async addWorker(extra) {
        const worker = await addWorker(extra);
        workers.push(worker);
        return worker;
      },
      workerOf: (key) => {
        // Log lines carry pino's `time` (ms): the latest "job started" across the workers wins.
        const last = (p: AppProcess) =>
          Math.max(...p.logs.filter((l) => l.msg === "job started" && l.key === key).map((l) => Number(l.time)));
        return startedBy(key)
          .sort((a, b) => last(a) - last(b))
          .at(-1);
      },
      workersThatStarted: startedBy,
      async waitForJob(key, timeoutMs = 90_000) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const record = await getJobRecord(db, key).catch(() => null);
          if (record && (record.status === "succeeded" || (record.status === "failed" && record.finishedAt))) {
            // A final failure is reported by the dead-letter worker: give it time to post before counting.
            if (record.status === "failed") await new Promise((r) => setTimeout(r, 3000));
            return record;
          }
          if (Date.now() > deadline) {
            const logs = [web, ...workers].map((p) => `--- ${p.name}\n${p.tail(15)}`).join("\n");
            throw new Error(`job ${key} did not end within ${timeoutMs} ms (status ${record?.status ?? "missing"})\n${logs}`);
          }
          await new Promise((r) => setTimeout(r, 250));
        }
      },
      counts: (repoFullName) => countsOf(standIn, repoFullName),
      async jobRecords(repoFullName) {
        const { rows } = await db.query<{ key: string; status: string; attempts: number; outcome: string | null }>(
          "SELECT key, status, attempts, outcome FROM codex_dispatch.job_records WHERE repo = $1 ORDER BY seq",
          [repoFullName],
        );
        return rows;
      },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

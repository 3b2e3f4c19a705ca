import PgBoss from "pg-boss";
import type { Database } from "./db.js";
import { silentLog, type JobsLog } from "./log.js";

/** Where pg-boss puts a job after its last failed attempt; the worker turns each one into onGiveUp. */
export const DEAD_LETTER_QUEUE = "codex-dispatch-dead";

const KIND = /^[a-z][a-z0-9_-]{0,49}$/;

export interface JobDefaults {
  /** Retries after the first attempt (attempts = retryLimit + 1). */
  retryLimit: number;
  /** Seconds before the first retry; doubled (with jitter) on each further retry when retryBackoff. */
  retryDelay: number;
  retryBackoff: boolean;
  /**
   * How long one attempt may stay active: pg-boss's maintenance then fails it and the job is retried (or
   * dead-lettered on its last attempt). A hung attempt's backstop; a dead worker's job is found much sooner by
   * its missed heartbeats (worker/liveness.ts).
   */
  expireInSeconds: number;
}

export interface QueueOptions {
  /** When set, pg-boss gets its own pool on this Postgres (the same database as `db`). */
  databaseUrl?: string;
  log?: JobsLog;
  defaults?: Partial<JobDefaults>;
  /** How often expired active jobs are failed (and so retried). pg-boss's minimum is 1. */
  maintenanceIntervalSeconds?: number;
  /** How often an idle worker asks for a job. pg-boss's minimum is 0.5. */
  pollingIntervalSeconds?: number;
  /** pg-boss's cron scheduler (boss.schedule); on by default. */
  schedule?: boolean;
  /** How long stop() waits for running jobs before pg-boss fails them. */
  stopTimeoutMs?: number;
}

export interface SendOptions extends Partial<JobDefaults> {
  /** A UUID; a second send with the same id is a no-op. */
  id?: string;
}

export interface JobQueue {
  start(): Promise<void>;
  send(kind: string, data: object, opts?: SendOptions): Promise<string>;
  /** Creates the pg-boss queue for a job kind (once per process); send and the worker call it. */
  ensureQueue(kind: string): Promise<void>;
  stop(): Promise<void>;
  boss: PgBoss;
  pollingIntervalSeconds: number;
}

export const DEFAULTS: JobDefaults = {
  retryLimit: 2,
  retryDelay: 30,
  retryBackoff: true,
  // Longer than the longest agent run the config allows (40 minutes) plus gathering and publishing; a hung one
  // must not hold the job forever. The app sets it from JOB_ATTEMPT_SECONDS (runtime.ts).
  expireInSeconds: 45 * 60,
};

export function assertKind(kind: string): void {
  if (typeof kind !== "string" || !KIND.test(kind)) {
    throw new Error(`invalid job kind ${JSON.stringify(kind)}: expected lowercase letters, digits, '-' or '_' (max 50)`);
  }
}

export function createQueue(db: Database, opts: QueueOptions = {}): JobQueue {
  const log = opts.log ?? silentLog;
  const defaults: JobDefaults = { ...DEFAULTS, ...opts.defaults };
  const pollingIntervalSeconds = opts.pollingIntervalSeconds ?? 2;
  const connection: PgBoss.DatabaseOptions = opts.databaseUrl
    ? { connectionString: opts.databaseUrl, application_name: "codex-dispatch-queue", max: 5 }
    : {
        db: {
          // pg-boss sends single statements with parameters and whole scripts without; Database.query
          // handles both on PGlite and on Postgres.
          executeSql: (text, values) => db.query(text, values && values.length ? values : undefined),
        },
      };
  const boss = new PgBoss({
    ...connection,
    supervise: true,
    maintenanceIntervalSeconds: opts.maintenanceIntervalSeconds ?? 60,
    pollingIntervalSeconds,
    schedule: opts.schedule ?? true,
    migrate: true,
  });
  // An EventEmitter 'error' without a listener would crash the process; pg-boss reports a failed
  // maintenance or fetch here and carries on.
  boss.on("error", (err: Error) => log.error({ err: { message: err.message } }, "queue error"));

  // The workers this process runs, by queue: a job sent here wakes them at once instead of at their next poll
  // (pollingIntervalSeconds, 2 s by default: a second of waiting on average for every webhook-to-comment). Workers
  // in other processes still find it by polling.
  const localWorkers = new Map<string, Set<string>>();
  const work = boss.work.bind(boss) as (name: string, ...rest: unknown[]) => Promise<string>;
  boss.work = (async (name: string, ...rest: unknown[]) => {
    const id = await work(name, ...rest);
    (localWorkers.get(name) ?? localWorkers.set(name, new Set()).get(name)!).add(id);
    return id;
  }) as typeof boss.work;

  const created = new Map<string, Promise<void>>();
  const ensureQueue = (kind: string): Promise<void> => {
    if (kind !== DEAD_LETTER_QUEUE) assertKind(kind);
    let p = created.get(kind);
    if (!p) {
      // createQueue is idempotent in pg-boss (ON CONFLICT DO NOTHING), so several processes may race here.
      // Options apply only when the queue is first created; every send repeats them anyway.
      const options: PgBoss.Queue =
        kind === DEAD_LETTER_QUEUE
          ? { name: kind, policy: "standard", retryLimit: defaults.retryLimit, retryDelay: 5, retryBackoff: true }
          : { name: kind, policy: "standard", ...defaults, deadLetter: DEAD_LETTER_QUEUE };
      p = createQueueRetrying(boss, kind, options);
      created.set(kind, p);
      p.catch(() => created.delete(kind));
    }
    return p;
  };

  let started = false;
  return {
    boss,
    pollingIntervalSeconds,
    ensureQueue,
    async start() {
      if (started) return;
      await boss.start();
      started = true;
      await ensureQueue(DEAD_LETTER_QUEUE);
    },
    async send(kind, data, sendOpts = {}) {
      if (!started) throw new Error("queue.send before queue.start");
      if (data === null || typeof data !== "object" || Array.isArray(data)) {
        throw new Error("queue.send: data must be a JSON object");
      }
      await ensureQueue(kind);
      const { id, ...retry } = sendOpts;
      const jobId = await boss.send(kind, data, {
        ...defaults,
        ...retry,
        ...(id ? { id } : {}),
        deadLetter: DEAD_LETTER_QUEUE,
      });
      // notifyWorker ignores an id whose worker has stopped (offWork).
      if (jobId) for (const worker of localWorkers.get(kind) ?? []) boss.notifyWorker(worker);
      if (jobId) return jobId;
      // pg-boss answers null when a job with this id already exists: the send is then already done.
      if (id) return id;
      throw new Error(`pg-boss did not accept the ${kind} job`);
    },
    async stop() {
      if (!started) return;
      started = false;
      await boss.stop({ graceful: true, timeout: opts.stopTimeoutMs ?? 30_000, close: true });
    },
  };
}

// Postgres errors that two processes creating the same queue at once can meet (pg-boss inserts the queue row and
// creates its partition in one statement): a deadlock, a serialization failure, or the loser of the insert race.
const CREATE_RACE_CODES = new Set(["40P01", "40001", "23505", "42P07"]);

/** boss.createQueue, tried again after a short random pause when another process was creating it at the same moment. */
async function createQueueRetrying(boss: PgBoss, kind: string, options: PgBoss.Queue, attempts = 5): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await boss.createQueue(kind, options);
      return;
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (attempt >= attempts || typeof code !== "string" || !CREATE_RACE_CODES.has(code)) throw err;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt + Math.random() * 100));
    }
  }
}

import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type PgBoss from "pg-boss";
import type { Database } from "../db.js";
import type { JobsLog } from "../log.js";
import {
  beatWorker,
  forgetWorker,
  forgetWorkersExcept,
  recordsHeldBy,
  registerWorker,
  sweepDeadWorkers,
  type SweptJob,
} from "../workers.js";
import { errorText } from "./job-errors.js";

/**
 * Worker liveness: each worker process has an id and beats its row in `workers` every `heartbeatSeconds`; every
 * beat also sweeps (workers.ts) the running jobs of workers not seen for `deadAfterSeconds` back into the queue.
 * Without it a SIGKILLed worker's job waited for pg-boss to expire its attempt (JOB_ATTEMPT_SECONDS, 45 minutes).
 */
export interface LivenessOptions {
  heartbeatSeconds: number;
  deadAfterSeconds: number;
  /** Worker deaths under one job before it is given up; 3 by default. */
  maxDeaths?: number;
  log: JobsLog;
  /**
   * This worker was counted dead (its row was swept: it stalled or lost the database past the dead-after time)
   * and its jobs retried elsewhere. `stillHeld`: the records it still holds (claimed after the sweep); every other
   * attempt it runs must stop without writing: the retry owns the job now.
   */
  onLost(stillHeld: Set<string>): void;
}

export interface Liveness {
  id: string;
  /** One beat and sweep now (the tests' clock); the loop runs them every heartbeatSeconds anyway. */
  tick(): Promise<void>;
  /** Ends the beats and deletes the row: after the worker's jobs were handed back, so no sweep races the hand-back. */
  stop(): Promise<void>;
}

/** The reason an attempt's signal carries when its worker learns it was counted dead. */
export class WorkerLostError extends Error {
  override readonly name = "WorkerLostError";
}

export const DEFAULT_MAX_WORKER_DEATHS = 3;

// This process's live workers. On PGlite one process holds the DATA_DIR, so any other row is a dead process's.
const localWorkers = new Set<string>();

export async function startLiveness(db: Database, boss: PgBoss, opts: LivenessOptions): Promise<Liveness> {
  const { log } = opts;
  const maxDeaths = opts.maxDeaths ?? DEFAULT_MAX_WORKER_DEATHS;
  if (!(opts.heartbeatSeconds > 0) || !(opts.deadAfterSeconds >= 2 * opts.heartbeatSeconds)) {
    throw new Error("worker liveness: heartbeatSeconds must be > 0 and deadAfterSeconds at least twice it");
  }
  const me = { id: randomUUID(), host: hostname(), pid: process.pid };
  await registerWorker(db, me);
  localWorkers.add(me.id);
  log.info({ worker: me.id, heartbeatSeconds: opts.heartbeatSeconds, deadAfterSeconds: opts.deadAfterSeconds }, "worker registered");

  const sweep = async () => {
    const swept = await sweepDeadWorkers(db, opts.deadAfterSeconds, maxDeaths);
    for (const job of swept) await settle(boss, log, job);
  };
  if (db.kind === "pglite") {
    // A job left running by a previous process of this DATA_DIR is retried now, not after its attempt expires.
    const forgotten = await forgetWorkersExcept(db, [...localWorkers]);
    if (forgotten > 0) log.info({ workers: forgotten }, "forgot the workers of a previous process of this DATA_DIR");
  }
  await sweep();

  const tick = async () => {
    const gap = await beatWorker(db, me.id);
    if (gap === null) {
      log.error({ worker: me.id }, "this worker was counted dead (no heartbeat for the dead-after time): its jobs were retried elsewhere");
      opts.onLost(await recordsHeldBy(db, me.id));
      await registerWorker(db, me);
      return;
    }
    // Unheard itself for a while (the database was down, the event loop stalled): the others could not beat either.
    // Judge them after the next beat, when they have had a beat's time to show up.
    if (gap > 2 * opts.heartbeatSeconds) return;
    await sweep();
  };

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const schedule = () => {
    timer = setTimeout(() => {
      running = tick()
        .catch((err: unknown) => log.warn({ worker: me.id, err: errorText(err) }, "worker heartbeat failed"))
        .finally(() => {
          if (!stopped) schedule();
        });
    }, opts.heartbeatSeconds * 1000);
    timer.unref();
  };
  schedule();

  return {
    id: me.id,
    tick,
    async stop() {
      if (stopped) return;
      stopped = true;
      clearTimeout(timer);
      await running;
      localWorkers.delete(me.id);
      await forgetWorker(db, me.id).catch((err: unknown) => log.warn({ worker: me.id, err: errorText(err) }, "worker row not deleted"));
    },
  };
}

/** Logs a swept job; one given up goes to the dead letters (pg-boss's fail on its last attempt), so onGiveUp reports it. */
async function settle(boss: PgBoss, log: JobsLog, job: SweptJob): Promise<void> {
  const line = { job: job.key, key: job.key, kind: job.kind, deadWorker: job.deadWorker, deaths: job.deaths, moved: job.moved };
  if (!job.givenUp) {
    log.warn(line, "job of a dead worker retried");
    return;
  }
  log.warn({ ...line, err: job.error }, "job given up: its workers kept dying");
  // Not moved: its pg-boss job was not active (already failed by expiry, say), and pg-boss carries on from there.
  if (job.moved) await boss.fail(job.kind, job.id, { message: job.error });
}

import type { Database } from "../db.js";
import { watchForCancels } from "../cancel-watch.js";
import { silentLog, type JobsLog } from "../log.js";
import { DEAD_LETTER_QUEUE, type JobQueue } from "../queue.js";
import { runAttempt } from "./attempt.js";
import { giveUp, type OnGiveUp } from "./give-up.js";
import { WorkerShutdownError } from "./hand-back.js";
import type { JobHandler } from "./job-context.js";
import { startLiveness, WorkerLostError } from "./liveness.js";
import { waitAtMost } from "./wait-at-most.js";

export type { JobContext, JobHandler, JobResult } from "./job-context.js";
export { errorText } from "./job-errors.js";

export interface WorkerOptions {
  handlers: Record<string, JobHandler>;
  /**
   * Called once per job after its last attempt failed, whether the handler threw or the process running
   * it died, so that the app can say so on GitHub instead of leaving silence.
   */
  onGiveUp: OnGiveUp;
  /** Jobs of each kind run at the same time in this process. */
  concurrency?: number;
  log?: JobsLog;
  /** How often the records of running jobs are checked for a cancel request (ms); 1000 by default. */
  cancelPollMs?: number;
  /**
   * How long a job whose serial key is busy waits before it is fetched again (seconds); 1 by default.
   * Not less than 1: pg-boss completes a fetched job after the handler without awaiting it, and that
   * late no-op must not meet the same job fetched again.
   */
  serialWaitSeconds?: number;
  /**
   * At most this many jobs of one installation run at once, across every worker process on the database
   * (MAX_JOBS_PER_INSTALLATION), so that one busy installation cannot take every slot; undefined: no limit.
   * A job over it goes back in line without spending a retry. Give every worker the same value.
   */
  maxJobsPerInstallation?: number;
  /** How long a job over its installation's limit waits before it is fetched again (seconds); 5 by default, at least 1. */
  installationWaitSeconds?: number;
  /**
   * Worker liveness (liveness.ts): this worker beats its row every `heartbeatSeconds` (10 by default), and a worker
   * not seen for `deadAfterSeconds` (six beats by default) is dead: its running jobs are retried at once.
   */
  heartbeatSeconds?: number;
  deadAfterSeconds?: number;
  /** Worker deaths under one job before it is given up (3 by default). */
  maxWorkerDeaths?: number;
}

export interface StopOptions {
  /** How long running attempts may go on finishing before their agents are killed; 0 (default): kill now. */
  graceMs?: number;
  /** Aborted (a second SIGTERM): end the grace period now. */
  now?: AbortSignal;
}

export interface JobWorker {
  /** This worker's liveness id: its row in `workers`, and the worker_id of the records it claims. */
  id: string;
  /**
   * Stops fetching at once, lets running attempts finish for `graceMs`, then aborts the rest with a
   * WorkerShutdownError: each is handed back to the queue without spending a retry (hand-back.ts).
   */
  stop(opts?: StopOptions): Promise<void>;
}

/**
 * Works the queue: `concurrency` pg-boss workers per job kind (each attempt in attempt.ts) and one for the
 * dead letters (give-up.ts). `stop()` shuts down gracefully (see JobWorker).
 */
export async function startWorker(db: Database, queue: JobQueue, opts: WorkerOptions): Promise<JobWorker> {
  const log = opts.log ?? silentLog;
  const concurrency = opts.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error("startWorker: concurrency must be an integer >= 1");
  const cancelPollMs = opts.cancelPollMs ?? 1000;
  if (!Number.isFinite(cancelPollMs) || cancelPollMs < 50) throw new Error("startWorker: cancelPollMs must be a number >= 50");
  const serialWaitSeconds = opts.serialWaitSeconds ?? 1;
  if (!Number.isFinite(serialWaitSeconds) || serialWaitSeconds < 1) {
    throw new Error("startWorker: serialWaitSeconds must be a number >= 1");
  }
  const maxPerInstallation = opts.maxJobsPerInstallation;
  if (maxPerInstallation !== undefined && (!Number.isInteger(maxPerInstallation) || maxPerInstallation < 1)) {
    throw new Error("startWorker: maxJobsPerInstallation must be an integer >= 1");
  }
  const installationWaitSeconds = opts.installationWaitSeconds ?? 5;
  if (!Number.isFinite(installationWaitSeconds) || installationWaitSeconds < 1) {
    throw new Error("startWorker: installationWaitSeconds must be a number >= 1");
  }
  const boss = queue.boss;
  const cancels = watchForCancels(db, cancelPollMs, log);
  const running = new Map<AbortController, string>();
  const settled = new Set<Promise<unknown>>();
  let stopping = false;
  const heartbeatSeconds = opts.heartbeatSeconds ?? 10;
  const liveness = await startLiveness(db, boss, {
    heartbeatSeconds,
    deadAfterSeconds: opts.deadAfterSeconds ?? 6 * heartbeatSeconds,
    ...(opts.maxWorkerDeaths !== undefined ? { maxDeaths: opts.maxWorkerDeaths } : {}),
    log,
    onLost(stillHeld) {
      const reason = new WorkerLostError("this worker was counted dead and its job retried on another");
      for (const [controller, key] of running) if (!stillHeld.has(key)) controller.abort(reason);
    },
  });
  const attemptDeps = {
    workerId: liveness.id,
    db,
    log,
    cancels,
    running,
    serialWaitSeconds,
    maxPerInstallation,
    installationWaitSeconds,
    stopping: () => stopping,
  };

  const track = <T>(p: Promise<T>): Promise<T> => {
    settled.add(p);
    void p.finally(() => settled.delete(p)).catch(() => undefined);
    return p;
  };

  const workOptions = {
    includeMetadata: true as const,
    batchSize: 1,
    pollingIntervalSeconds: queue.pollingIntervalSeconds,
  };
  const workerIds: string[] = [];
  for (const [kind, handler] of Object.entries(opts.handlers)) {
    await queue.ensureQueue(kind);
    for (let i = 0; i < concurrency; i++) {
      workerIds.push(await boss.work<unknown>(kind, workOptions, ([job]) => track(runAttempt(attemptDeps, kind, handler, job))));
    }
  }
  await queue.ensureQueue(DEAD_LETTER_QUEUE);
  workerIds.push(await boss.work<unknown>(DEAD_LETTER_QUEUE, workOptions, ([job]) => track(giveUp(db, log, opts.onGiveUp, job))));

  return {
    id: liveness.id,
    async stop(stopOpts = {}) {
      if (stopping) return;
      stopping = true;
      const graceMs = stopOpts.graceMs ?? 0;
      for (const id of workerIds) await boss.offWork({ id });
      if (running.size > 0) log.info({ running: running.size, graceSeconds: graceMs / 1000 }, "worker stopping: no new jobs");
      // Cancels still reach the running jobs during the grace period.
      const finished = graceMs > 0 ? await waitAtMost(Promise.allSettled([...settled]), graceMs, stopOpts.now) : settled.size === 0;
      cancels.stop();
      const reason = new WorkerShutdownError(
        graceMs > 0 && stopOpts.now?.aborted
          ? "the worker was told to stop at once during its shutdown grace period"
          : `the worker shut down and its grace period of ${graceMs / 1000}s ran out`,
      );
      if (!finished) for (const c of running.keys()) c.abort(reason);
      await Promise.allSettled([...settled]);
      // Last: until its jobs are handed back, the worker must look alive, or a sweep would retry them meanwhile.
      await liveness.stop();
    },
  };
}

import type { Database } from "../db.js";
import { watchForCancels } from "../cancel-watch.js";
import { silentLog, type JobsLog } from "../log.js";
import { DEAD_LETTER_QUEUE, type JobQueue } from "../queue.js";
import { runAttempt } from "./attempt.js";
import { giveUp, type OnGiveUp } from "./give-up.js";
import type { JobHandler } from "./job-context.js";

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
}

/**
 * Works the queue: `concurrency` pg-boss workers per job kind (each attempt in attempt.ts) and one for the
 * dead letters (give-up.ts). `stop()` stops fetching and aborts the attempts still running.
 */
export async function startWorker(db: Database, queue: JobQueue, opts: WorkerOptions): Promise<{ stop(): Promise<void> }> {
  const log = opts.log ?? silentLog;
  const concurrency = opts.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error("startWorker: concurrency must be an integer >= 1");
  const cancelPollMs = opts.cancelPollMs ?? 1000;
  if (!Number.isFinite(cancelPollMs) || cancelPollMs < 50) throw new Error("startWorker: cancelPollMs must be a number >= 50");
  const serialWaitSeconds = opts.serialWaitSeconds ?? 1;
  if (!Number.isFinite(serialWaitSeconds) || serialWaitSeconds < 1) {
    throw new Error("startWorker: serialWaitSeconds must be a number >= 1");
  }
  const boss = queue.boss;
  const cancels = watchForCancels(db, cancelPollMs, log);
  const running = new Set<AbortController>();
  const settled = new Set<Promise<unknown>>();
  const attemptDeps = { db, log, cancels, running, serialWaitSeconds };
  let stopping = false;

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
    async stop() {
      if (stopping) return;
      stopping = true;
      for (const id of workerIds) await boss.offWork({ id });
      cancels.stop();
      // A stopping worker abandons its jobs: each counts as a failed attempt and is retried elsewhere.
      for (const c of running) c.abort(new Error("the worker is stopping"));
      await Promise.allSettled([...settled]);
    },
  };
}

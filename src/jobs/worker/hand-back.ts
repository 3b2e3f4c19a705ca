import { deferBossJob } from "../boss-job-state.js";
import type { Database } from "../db.js";
import type { JobsLog } from "../log.js";
import { updateJobRecord } from "../records.js";

/**
 * The reason a job's signal carries when its worker shuts down (SIGTERM) and the grace period ran out or a
 * second signal said "now". Neither a cancel (the job is not over) nor a failure (the job did nothing wrong):
 * the attempt is handed back to the queue and another worker runs it as the same attempt.
 */
export class WorkerShutdownError extends Error {
  override readonly name = "WorkerShutdownError";
}

export function isWorkerShutdown(reason: unknown): reason is WorkerShutdownError {
  return reason instanceof WorkerShutdownError;
}

/** What the record says while a handed-back job waits for the next worker (the dashboard's phase column). */
export const HANDED_BACK_PHASE = "handed back by a worker shutdown";

export interface HandBack {
  db: Database;
  log: JobsLog;
  kind: string;
  jobId: string;
  key: string;
  /** The attempt the record holds; absent when the job was handed back before it claimed its record. */
  attempt?: number;
  /** The worker that holds the record (liveness.ts), when it has one. */
  workerId?: string;
  reason: WorkerShutdownError;
  /**
   * Seconds before another worker may fetch it. pg-boss completes a job after its handler returns without
   * awaiting it, and that late complete() matches any `active` job with this id: a worker elsewhere must not
   * fetch the job in between (the same reason serialWaitSeconds is at least 1).
   */
  waitSeconds: number;
}

/**
 * Puts a job this worker fetched back in line WITHOUT spending a retry (deferBossJob: started_on cleared, so
 * pg-boss's next fetch keeps retry_count), and says so in its record (`queued`, this phase and the reason).
 * pg-boss 10 has no call for this: fail() spends a retry (and dead-letters on the last attempt), cancel()
 * then resume() keeps started_on (the next fetch counts a retry), retry() only acts on failed jobs.
 */
export async function handBackJob(h: HandBack): Promise<{ handedBack: true }> {
  if (h.attempt !== undefined) {
    await updateJobRecord(
      h.db,
      h.key,
      { status: "queued", phase: HANDED_BACK_PHASE, error: h.reason.message },
      { onlyAttempt: h.attempt, ...(h.workerId ? { onlyWorker: h.workerId } : {}) },
    ).catch((e: unknown) => h.log.error({ job: h.key, key: h.key, err: String(e) }, "job record update failed"));
  }
  const deferred = await deferBossJob(h.db, h.kind, h.jobId, h.waitSeconds);
  h.log.info({ job: h.key, key: h.key, kind: h.kind, attempt: h.attempt, deferred, reason: h.reason.message }, "job handed back");
  return { handedBack: true };
}

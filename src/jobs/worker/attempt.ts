import type PgBoss from "pg-boss";
import type { z } from "zod";
import type { Database } from "../db.js";
import { cancelBossJob, deferBossJob } from "../boss-job-state.js";
import type { CancelWatch } from "../cancel-watch.js";
import { isJobCancelled, type JobCancelledError } from "../cancelled-error.js";
import { claimJobRecord } from "../claim-record.js";
import { JobEnvelopeSchema } from "../envelope.js";
import type { JobsLog } from "../log.js";
import { updateJobRecord } from "../records.js";
import { ResultSchema, type JobContext, type JobHandler } from "./job-context.js";
import { errorText } from "./job-errors.js";
import { handBackJob, isWorkerShutdown, WorkerShutdownError } from "./hand-back.js";
import { WorkerLostError } from "./liveness.js";
import { markRecordCancelled } from "./mark-cancelled.js";
import { PermanentJobError } from "./permanent.js";

/** What every attempt in one worker shares. */
export interface AttemptDeps {
  db: Database;
  log: JobsLog;
  cancels: CancelWatch;
  /** The controllers of the attempts running now (with their job keys), aborted when the worker stops. */
  running: Map<AbortController, string>;
  /** This worker's liveness id: its claims carry it, and its record writes hold only while the record does. */
  workerId?: string;
  serialWaitSeconds: number;
  /** Jobs of one installation running at once across all workers (undefined: no limit), and how long one over it waits. */
  maxPerInstallation?: number;
  installationWaitSeconds: number;
  /** True once the worker is shutting down: a job fetched after that goes straight back. */
  stopping(): boolean;
}

/**
 * One attempt of one job: claims its record (or waits behind another job of the same target, or ends at once
 * when cancelled), runs the handler with a signal that aborts on time-out, stop or cancel, and records the end.
 * Throws what the handler threw, so that pg-boss retries or dead-letters the job.
 */
export async function runAttempt(deps: AttemptDeps, kind: string, handler: JobHandler, job: PgBoss.JobWithMetadata<unknown>) {
  const { db, log, cancels, running } = deps;
  const envelope = JobEnvelopeSchema.parse(job.data);
  const attempt = job.retryCount + 1;
  const isLastAttempt = job.retryCount >= job.retryLimit;
  const started = Date.now();
  // `job` as on the pipeline's lines, so one filter finds all of a job's lines; `key` as before, for log queries
  // written against the worker's lines when it was their only name.
  const jobLog = { job: envelope.key, key: envelope.key, kind, attempt };
  const handBack = (reason: WorkerShutdownError, claimed: boolean) =>
    handBackJob({
      db,
      log,
      kind,
      jobId: job.id,
      key: envelope.key,
      ...(claimed ? { attempt } : {}),
      ...(deps.workerId ? { workerId: deps.workerId } : {}),
      reason,
      waitSeconds: deps.serialWaitSeconds,
    });
  // pg-boss's fetch loop may answer a fetch that was on its way when the worker stopped: not this worker's job any more.
  if (deps.stopping()) return await handBack(new WorkerShutdownError("the worker was shutting down when it fetched the job"), false);
  const claim = await claimJobRecord(db, envelope.key, attempt, new Date(started).toISOString(), deps.maxPerInstallation, deps.workerId);
  // Writes of this attempt hold only while the record is at this attempt and with this worker (records.ts).
  const mine = { onlyAttempt: attempt, ...(deps.workerId ? { onlyWorker: deps.workerId } : {}) };
  if (claim === "installation-busy") {
    // Its installation runs its share already (here or on another worker): back in line, same attempt, so that
    // the jobs of other installations get the free slots. A longer wait than a serial one: a flood of one
    // installation's jobs is fetched and put back once per wait, and that costs queries.
    const deferred = await deferBossJob(db, kind, job.id, deps.installationWaitSeconds);
    log.info({ ...jobLog, deferred }, "job waits for its installation's turn");
    return { waiting: true };
  }
  if (claim === "waiting") {
    // Another job of the same issue/PR runs (or an older one waits): back in line, same attempt.
    // Returning normally matters: a throw would make pg-boss fail (and retry) the job.
    const deferred = await deferBossJob(db, kind, job.id, deps.serialWaitSeconds);
    log.info({ ...jobLog, deferred }, "job waits for its target");
    return { waiting: true };
  }
  if (claim === "finished") {
    // Its record says succeeded: a worker finished it and died before pg-boss heard. Done, not done again.
    log.info(jobLog, "job already finished: not run again");
    return { finished: true };
  }
  if (claim === "cancelled") {
    await markRecordCancelled(db, envelope.key);
    await cancelBossJob(db, kind, job.id);
    log.info(jobLog, "job cancelled before it started");
    return { cancelled: true };
  }
  log.info(jobLog, "job started");
  const controller = new AbortController();
  running.set(controller, envelope.key);
  cancels.add(envelope.key, controller);
  const cancelReason = (): JobCancelledError | null =>
    controller.signal.aborted && isJobCancelled(controller.signal.reason) ? controller.signal.reason : null;
  // A cancelled attempt is over for good: recorded `cancelled` and handed back to pg-boss as done,
  // so it is neither retried nor dead-lettered (and onGiveUp never hears of it).
  const recordCancelled = async (reason: JobCancelledError, result?: z.infer<typeof ResultSchema>) => {
    const finished = Date.now();
    await updateJobRecord(
      db,
      envelope.key,
      {
        status: "cancelled",
        finishedAt: new Date(finished).toISOString(),
        durationMs: finished - started,
        outcome: "cancelled",
        error: errorText(reason),
        ...(result?.tokens ? { tokens: result.tokens } : {}),
        ...(result?.links ? { links: result.links } : {}),
      },
      mine,
    ).catch((e: unknown) => log.error({ ...jobLog, err: errorText(e) }, "job record update failed"));
    log.info({ ...jobLog, reason: reason.reason, ms: finished - started }, "job cancelled");
    return { cancelled: true };
  };
  // pg-boss gives up on the attempt after expireInSeconds; tell the handler so it stops its processes.
  // (Postgres's EXTRACT answers a numeric, which arrives as a string such as "1.000000".)
  const expireSeconds = Number(job.expireInSeconds);
  const timer = setTimeout(
    () => controller.abort(new Error(`the attempt exceeded its time limit of ${expireSeconds}s`)),
    expireSeconds * 1000,
  );
  const ctx: JobContext = {
    key: envelope.key,
    attempt,
    isLastAttempt,
    signal: controller.signal,
    setPhase: async (phase) => {
      await updateJobRecord(db, envelope.key, { phase }, mine);
    },
    cancelled: () => cancelReason() !== null,
  };
  // This worker was counted dead and the job retried elsewhere: the retry owns the record and the pg-boss job now,
  // so this attempt ends writing nothing (a hand-back would defer the retry's active job).
  const lost = () => {
    if (!(controller.signal.aborted && controller.signal.reason instanceof WorkerLostError)) return null;
    log.warn({ ...jobLog, reason: (controller.signal.reason as Error).message }, "job left to its retry: this worker was counted dead");
    return { lost: true };
  };
  // Stopped by a shutdown (grace over, or a second signal): whatever the handler made of it, the job goes back.
  const shutdownReason = () => (controller.signal.aborted && isWorkerShutdown(controller.signal.reason) ? controller.signal.reason : null);
  try {
    const raw = await handler(envelope.data, ctx);
    const gone = lost();
    if (gone) return gone;
    const shutdown = shutdownReason();
    if (shutdown) return await handBack(shutdown, true);
    const cancelled = cancelReason();
    if (cancelled) return await recordCancelled(cancelled, ResultSchema.safeParse(raw).data);
    const result = ResultSchema.parse(raw);
    const finished = Date.now();
    await updateJobRecord(
      db,
      envelope.key,
      {
        status: "succeeded",
        finishedAt: new Date(finished).toISOString(),
        durationMs: finished - started,
        outcome: result?.outcome ?? null,
        error: null,
        ...(result?.tokens ? { tokens: result.tokens } : {}),
        ...(result?.links ? { links: result.links } : {}),
        ...(result?.result ? { result: result.result } : {}),
      },
      mine,
    );
    log.info({ ...jobLog, outcome: result?.outcome, ms: finished - started }, "job succeeded");
    return result ?? {};
  } catch (err) {
    const gone = lost();
    if (gone) return gone;
    const shutdown = shutdownReason();
    if (shutdown) return await handBack(shutdown, true);
    // Whatever the handler threw after a cancel (a killed process, the reason itself), it was cancelled.
    const cancelled = cancelReason();
    if (cancelled) return await recordCancelled(cancelled);
    const error = errorText(err);
    const finished = Date.now();
    if (err instanceof PermanentJobError) {
      // Failed for good: recorded so, and returned normally so that pg-boss neither retries nor dead-letters it.
      await updateJobRecord(
        db,
        envelope.key,
        { status: "failed", error, outcome: err.outcome, finishedAt: new Date(finished).toISOString(), durationMs: finished - started },
        mine,
      );
      log.warn({ ...jobLog, err: error, outcome: err.outcome }, "job failed for good");
      return { failed: true };
    }
    // Before the last attempt the job goes back to waiting for its retry; after it, it has failed.
    await updateJobRecord(
      db,
      envelope.key,
      isLastAttempt
        ? { status: "failed", error, finishedAt: new Date(finished).toISOString(), durationMs: finished - started }
        : { status: "queued", error },
      mine,
    ).catch((e: unknown) => log.error({ ...jobLog, err: errorText(e) }, "job record update failed"));
    log.warn({ ...jobLog, err: error, isLastAttempt }, "job attempt failed");
    throw err;
  } finally {
    clearTimeout(timer);
    running.delete(controller);
    cancels.remove(envelope.key);
  }
}

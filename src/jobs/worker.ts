import type PgBoss from "pg-boss";
import { z } from "zod";
import { redactSecrets } from "../text-safety/redact.js";
import type { Database } from "./db.js";
import { cancelBossJob, deferBossJob } from "./boss-job-state.js";
import { watchForCancels } from "./cancel-watch.js";
import { isJobCancelled, type JobCancelledError } from "./cancelled-error.js";
import { claimJobRecord } from "./claim-record.js";
import { JobEnvelopeSchema } from "./envelope.js";
import { silentLog, type JobsLog } from "./log.js";
import { SCHEMA } from "./migrations.js";
import { DEAD_LETTER_QUEUE, type JobQueue } from "./queue.js";
import { updateJobRecord, type JobTokens } from "./records.js";

export interface JobContext {
  key: string;
  /** 1 for the first attempt. */
  attempt: number;
  isLastAttempt: boolean;
  /**
   * Aborted when the attempt runs out of time, the worker stops, or someone cancels the job: kill child
   * processes then. On a cancel, `signal.reason` is a JobCancelledError.
   */
  signal: AbortSignal;
  setPhase(phase: string): Promise<void>;
  /**
   * Whether the job was cancelled (`/codex stop`, label removed), as opposed to timed out or stopped:
   * a cancelled job ends as `cancelled` whatever the handler does next, and is never retried.
   */
  cancelled(): boolean;
}

export interface JobResult {
  outcome: string;
  tokens?: JobTokens;
  links?: Record<string, string>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type JobHandler = (data: any, ctx: JobContext) => Promise<JobResult | void>;

export interface WorkerOptions {
  handlers: Record<string, JobHandler>;
  /**
   * Called once per job after its last attempt failed, whether the handler threw or the process running
   * it died, so that the app can say so on GitHub instead of leaving silence.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  onGiveUp: (kind: string, data: any, error: string, key: string) => Promise<void>;
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

const ResultSchema = z
  .object({
    outcome: z.string(),
    tokens: z.object({ input: z.number().int().nonnegative(), output: z.number().int().nonnegative() }).optional(),
    links: z.record(z.string(), z.string()).optional(),
  })
  .optional();

const MAX_ERROR = 2000;

export function errorText(err: unknown): string {
  const text = err instanceof Error ? err.message || err.name : String(err);
  return redactSecrets(text).slice(0, MAX_ERROR);
}

// What pg-boss stores as a failed job's output: the serialised error a handler threw, or its own
// note when maintenance failed an active job that outlived its expiry (its worker died or hung).
function deadLetterError(output: unknown): string {
  const o = output as { message?: unknown; value?: { message?: unknown } } | null;
  const message = typeof o?.message === "string" ? o.message : typeof o?.value?.message === "string" ? o.value.message : null;
  if (message === "job failed by timeout in active state") {
    return "the worker stopped responding: the attempt outlived its time limit (the process may have died)";
  }
  return redactSecrets(message ?? "the job failed").slice(0, MAX_ERROR);
}

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
  let stopping = false;

  const track = <T>(p: Promise<T>): Promise<T> => {
    settled.add(p);
    void p.finally(() => settled.delete(p)).catch(() => undefined);
    return p;
  };

  const runAttempt = async (kind: string, handler: JobHandler, job: PgBoss.JobWithMetadata<unknown>) => {
    const envelope = JobEnvelopeSchema.parse(job.data);
    const attempt = job.retryCount + 1;
    const isLastAttempt = job.retryCount >= job.retryLimit;
    const started = Date.now();
    const jobLog = { key: envelope.key, kind, attempt };
    const claim = await claimJobRecord(db, envelope.key, attempt, new Date(started).toISOString());
    if (claim === "waiting") {
      // Another job of the same issue/PR runs (or an older one waits): back in line, same attempt.
      // Returning normally matters: a throw would make pg-boss fail (and retry) the job.
      const deferred = await deferBossJob(db, kind, job.id, serialWaitSeconds);
      log.info({ ...jobLog, deferred }, "job waits for its target");
      return { waiting: true };
    }
    if (claim === "cancelled") {
      await markRecordCancelled(envelope.key);
      await cancelBossJob(db, kind, job.id);
      log.info(jobLog, "job cancelled before it started");
      return { cancelled: true };
    }
    log.info(jobLog, "job started");
    const controller = new AbortController();
    running.add(controller);
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
        { onlyAttempt: attempt },
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
        await updateJobRecord(db, envelope.key, { phase }, { onlyAttempt: attempt });
      },
      cancelled: () => cancelReason() !== null,
    };
    try {
      const raw = await handler(envelope.data, ctx);
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
        },
        { onlyAttempt: attempt },
      );
      log.info({ ...jobLog, outcome: result?.outcome, ms: finished - started }, "job succeeded");
      return result ?? {};
    } catch (err) {
      // Whatever the handler threw after a cancel (a killed process, the reason itself), it was cancelled.
      const cancelled = cancelReason();
      if (cancelled) return await recordCancelled(cancelled);
      const error = errorText(err);
      const finished = Date.now();
      // Before the last attempt the job goes back to waiting for its retry; after it, it has failed.
      await updateJobRecord(
        db,
        envelope.key,
        isLastAttempt
          ? { status: "failed", error, finishedAt: new Date(finished).toISOString(), durationMs: finished - started }
          : { status: "queued", error },
        { onlyAttempt: attempt },
      ).catch((e: unknown) => log.error({ ...jobLog, err: errorText(e) }, "job record update failed"));
      log.warn({ ...jobLog, err: error, isLastAttempt }, "job attempt failed");
      throw err;
    } finally {
      clearTimeout(timer);
      running.delete(controller);
      cancels.remove(envelope.key);
    }
  };

  // The job was cancelled between its enqueue and this fetch (cancelJob already wrote that), or while
  // an attempt ran in a worker that died: the record says `cancelled` and nothing runs.
  const markRecordCancelled = async (key: string) => {
    await db.query(
      `UPDATE ${SCHEMA}.job_records SET status = 'cancelled', outcome = 'cancelled',
         error = COALESCE(error, 'the job was cancelled: ' || COALESCE(cancel_reason, 'cancelled on request')),
         finished_at = COALESCE(finished_at, now())
       WHERE key = $1 AND status <> 'cancelled'`,
      [key],
    );
  };

  // A dead-lettered job: the last attempt failed (handler error) or expired (dead or hung worker).
  // The record claims the give-up before onGiveUp runs, so a second copy never calls it twice; if
  // onGiveUp itself fails, the claim is released and the dead-letter job is retried.
  const giveUp = async (job: PgBoss.JobWithMetadata<unknown>) => {
    const envelope = JobEnvelopeSchema.parse(job.data);
    const error = deadLetterError(job.output);
    // A job cancelled while its worker died is dead-lettered like any other; it was still a cancel.
    const cancelled = await db.query(`SELECT 1 FROM ${SCHEMA}.job_records WHERE key = $1 AND cancel_requested_at IS NOT NULL`, [
      envelope.key,
    ]);
    if (cancelled.rows.length > 0) {
      await markRecordCancelled(envelope.key);
      log.info({ key: envelope.key }, "cancelled job not given up");
      return;
    }
    const { rows } = await db.query<{ error: string | null; gave_up_at: unknown }>(
      `UPDATE ${SCHEMA}.job_records SET
         gave_up_at = now(),
         status = 'failed',
         error = CASE WHEN status = 'failed' AND error IS NOT NULL THEN error ELSE $2 END,
         finished_at = COALESCE(CASE WHEN status = 'failed' THEN finished_at END, now())
       WHERE key = $1 AND gave_up_at IS NULL
       RETURNING error`,
      [envelope.key, error],
    );
    const known = await db.query(`SELECT 1 FROM ${SCHEMA}.job_records WHERE key = $1`, [envelope.key]);
    if (rows.length === 0 && known.rows.length > 0) {
      log.info({ key: envelope.key }, "give-up already handled");
      return;
    }
    const message = rows[0]?.error ?? error;
    log.warn({ key: envelope.key, kind: envelope.kind, err: message }, "job given up");
    try {
      await opts.onGiveUp(envelope.kind, envelope.data, message, envelope.key);
    } catch (err) {
      await db.query(`UPDATE ${SCHEMA}.job_records SET gave_up_at = NULL WHERE key = $1`, [envelope.key]);
      throw err;
    }
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
      workerIds.push(await boss.work<unknown>(kind, workOptions, ([job]) => track(runAttempt(kind, handler, job))));
    }
  }
  await queue.ensureQueue(DEAD_LETTER_QUEUE);
  workerIds.push(await boss.work<unknown>(DEAD_LETTER_QUEUE, workOptions, ([job]) => track(giveUp(job))));

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

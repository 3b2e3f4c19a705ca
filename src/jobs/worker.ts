import type PgBoss from "pg-boss";
import { z } from "zod";
import { redactSecrets } from "../logs/redact.js";
import type { Database } from "./db.js";
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
  /** Aborted when the attempt runs out of time or the worker stops: kill child processes then. */
  signal: AbortSignal;
  setPhase(phase: string): Promise<void>;
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

export async function startWorker(
  db: Database,
  queue: JobQueue,
  opts: WorkerOptions,
): Promise<{ stop(): Promise<void> }> {
  const log = opts.log ?? silentLog;
  const concurrency = opts.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error("startWorker: concurrency must be an integer >= 1");
  const boss = queue.boss;
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
    await updateJobRecord(db, envelope.key, {
      status: "running",
      attempts: attempt,
      phase: null,
      startedAt: new Date(started).toISOString(),
      finishedAt: null,
      durationMs: null,
    });
    log.info(jobLog, "job started");
    const controller = new AbortController();
    running.add(controller);
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
    };
    try {
      const result = ResultSchema.parse(await handler(envelope.data, ctx));
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
    }
  };

  // A dead-lettered job: the last attempt failed (handler error) or expired (dead or hung worker).
  // The record claims the give-up before onGiveUp runs, so a second copy never calls it twice; if
  // onGiveUp itself fails, the claim is released and the dead-letter job is retried.
  const giveUp = async (job: PgBoss.JobWithMetadata<unknown>) => {
    const envelope = JobEnvelopeSchema.parse(job.data);
    const error = deadLetterError(job.output);
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
      workerIds.push(
        await boss.work<unknown>(kind, workOptions, ([job]) => track(runAttempt(kind, handler, job))),
      );
    }
  }
  await queue.ensureQueue(DEAD_LETTER_QUEUE);
  workerIds.push(await boss.work<unknown>(DEAD_LETTER_QUEUE, workOptions, ([job]) => track(giveUp(job))));

  return {
    async stop() {
      if (stopping) return;
      stopping = true;
      for (const id of workerIds) await boss.offWork({ id });
      // A stopping worker abandons its jobs: each counts as a failed attempt and is retried elsewhere.
      for (const c of running) c.abort(new Error("the worker is stopping"));
      await Promise.allSettled([...settled]);
    },
  };
}

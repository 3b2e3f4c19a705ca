import type PgBoss from "pg-boss";
import type { Database } from "../db.js";
import { JobEnvelopeSchema } from "../envelope.js";
import type { JobsLog } from "../log.js";
import { SCHEMA } from "../migrations.js";
import { deadLetterError } from "./job-errors.js";
import { markRecordCancelled } from "./mark-cancelled.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type OnGiveUp = (kind: string, data: any, error: string, key: string) => Promise<void>;

/**
 * Handles a dead-lettered job: the last attempt failed (handler error) or expired (dead or hung worker).
 * The record claims the give-up before onGiveUp runs, so a second copy never calls it twice; if
 * onGiveUp itself fails, the claim is released and the dead-letter job is retried.
 */
export async function giveUp(db: Database, log: JobsLog, onGiveUp: OnGiveUp, job: PgBoss.JobWithMetadata<unknown>): Promise<void> {
  const envelope = JobEnvelopeSchema.parse(job.data);
  const error = deadLetterError(job.output);
  // A job cancelled while its worker died is dead-lettered like any other; it was still a cancel.
  const cancelled = await db.query(`SELECT 1 FROM ${SCHEMA}.job_records WHERE key = $1 AND cancel_requested_at IS NOT NULL`, [
    envelope.key,
  ]);
  if (cancelled.rows.length > 0) {
    await markRecordCancelled(db, envelope.key);
    log.info({ job: envelope.key, key: envelope.key }, "cancelled job not given up");
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
    log.info({ job: envelope.key, key: envelope.key }, "give-up already handled");
    return;
  }
  const message = rows[0]?.error ?? error;
  log.warn({ job: envelope.key, key: envelope.key, kind: envelope.kind, err: message }, "job given up");
  try {
    await onGiveUp(envelope.kind, envelope.data, message, envelope.key);
  } catch (err) {
    await db.query(`UPDATE ${SCHEMA}.job_records SET gave_up_at = NULL WHERE key = $1`, [envelope.key]);
    throw err;
  }
}

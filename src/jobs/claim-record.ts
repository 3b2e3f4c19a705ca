import type { Database } from "./db.js";
import { SCHEMA } from "./migrations.js";

/**
 * What happened when a worker tried to start an attempt:
 * - "claimed": the record is now `running` for this attempt; run the handler.
 * - "missing": no record (a job sent straight to the queue); run it as before.
 * - "cancelled": cancelled before it could start; do not run it.
 * - "waiting": another job of the same target runs, or an older one waits; try again shortly.
 */
export type ClaimResult = "claimed" | "missing" | "cancelled" | "waiting";

const UNIQUE_VIOLATION = "23505";

/**
 * Marks a job's record `running` for `attempt`, unless it was cancelled or its target is busy.
 *
 * Why our own claim in the records table rather than pg-boss 10's `singleton` queue policy: that policy
 * holds one active job per (queue, singletonKey), but (1) a queue is one job kind, while one issue may
 * have a command and a fix in line; (2) its fetch takes the oldest job of the queue and, when that
 * job's key is busy, fails on the unique index instead of skipping it, so one busy issue would stall
 * every other issue's jobs of that kind; (3) existing queues were created `standard`, and pg-boss never
 * changes a queue's policy. `stately` drops a second waiting job, and a second command must queue.
 *
 * Exclusion across processes rests on a partial unique index (one `running` record per target): of two
 * workers that race, the second gets a unique violation, which here means "waiting". Arrival order
 * rests on `seq`: a job starts only when no older job of its target is still queued (or retrying).
 */
export async function claimJobRecord(db: Database, key: string, attempt: number, startedAt: string): Promise<ClaimResult> {
  try {
    const { rows } = await db.query(
      `UPDATE ${SCHEMA}.job_records r SET
         status = 'running', attempts = $2, phase = NULL, started_at = $3::timestamptz,
         finished_at = NULL, duration_ms = NULL
       WHERE r.key = $1
         AND r.status <> 'cancelled' AND r.cancel_requested_at IS NULL
         AND (r.target IS NULL OR NOT EXISTS (
           SELECT 1 FROM ${SCHEMA}.job_records o
           WHERE o.target = r.target AND o.key <> r.key
             AND (o.status = 'running' OR (o.status = 'queued' AND o.seq < r.seq))))
       RETURNING id`,
      [key, attempt, startedAt],
    );
    if (rows.length === 1) return "claimed";
  } catch (err) {
    if ((err as { code?: string }).code !== UNIQUE_VIOLATION) throw err;
    return "waiting";
  }
  const { rows } = await db.query<{ status: string; cancel_requested_at: unknown }>(
    `SELECT status, cancel_requested_at FROM ${SCHEMA}.job_records WHERE key = $1`,
    [key],
  );
  if (rows.length === 0) return "missing";
  if (rows[0].status === "cancelled" || rows[0].cancel_requested_at != null) return "cancelled";
  return "waiting";
}

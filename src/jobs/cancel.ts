import { z } from "zod";
import { redactSecrets } from "../text-safety/redact.js";
import { cancelBossJob } from "./boss-job-state.js";
import { DEFAULT_CANCEL_REASON } from "./cancelled-error.js";
import type { Database } from "./db.js";
import { SCHEMA } from "./migrations.js";

export type CancelResult = "cancelled-queued" | "cancel-requested" | "not-running";

const ArgsSchema = z.object({
  key: z.string().min(1, "job key is empty").max(500, "job key is longer than 500 characters"),
  reason: z.string().max(500, "cancel reason is longer than 500 characters").optional(),
});

/**
 * Cancels the job of `key`, from any process that shares the database (the web process that got the
 * `/codex stop` comment need not be the worker that runs the job):
 * - queued (not started, waiting its turn, or waiting for a retry): cancelled at once, in the record
 *   and in pg-boss, so it never runs → "cancelled-queued";
 * - running: a request stored in the record; the worker running it notices within about a second,
 *   aborts the handler's signal with a JobCancelledError and records `cancelled` → "cancel-requested";
 * - unknown or already finished → "not-running".
 */
export async function cancelJob(db: Database, key: string, reason?: string): Promise<CancelResult> {
  const args = ArgsSchema.parse({ key, reason });
  const why = redactSecrets(args.reason?.trim() || DEFAULT_CANCEL_REASON);

  // Only a record still `queued` flips here; the worker's claim flips it to `running` the same way,
  // so of a cancel and a start that race, exactly one wins the row.
  const queued = await db.query<{ id: string; kind: string }>(
    `UPDATE ${SCHEMA}.job_records SET status = 'cancelled', cancel_requested_at = now(), cancel_reason = $2,
       finished_at = now(), outcome = 'cancelled', error = $3
     WHERE key = $1 AND status = 'queued' RETURNING id, kind`,
    [args.key, why, `cancelled before it started: ${why}`],
  );
  if (queued.rows.length === 1) {
    const { id, kind } = queued.rows[0];
    // If a worker fetched the job in between, its claim sees the cancelled record and ends the job
    // without running it; then this finds the job no longer open, which is fine.
    await cancelBossJob(db, kind, id);
    return "cancelled-queued";
  }

  // A repeated stop keeps the first reason: that is the one the worker may already be acting on.
  const running = await db.query(
    `UPDATE ${SCHEMA}.job_records SET cancel_requested_at = COALESCE(cancel_requested_at, now()),
       cancel_reason = COALESCE(cancel_reason, $2)
     WHERE key = $1 AND status = 'running' RETURNING id`,
    [args.key, why],
  );
  return running.rows.length === 1 ? "cancel-requested" : "not-running";
}

import type { Database } from "./db.js";
import { SCHEMA } from "./migrations.js";

/**
 * What happened when a worker tried to start an attempt:
 * - "claimed": the record is now `running` for this attempt; run the handler.
 * - "missing": no record (a job sent straight to the queue); run it as before.
 * - "cancelled": cancelled before it could start; do not run it.
 * - "finished": it already succeeded (its worker died after recording that, before the queue heard): never twice.
 * - "waiting": another job of the same target runs, or an older one waits; try again shortly.
 * - "installation-busy": its installation already runs its limit of jobs (on any worker); try again later.
 */
export type ClaimResult = "claimed" | "missing" | "cancelled" | "finished" | "waiting" | "installation-busy";

const UNIQUE_VIOLATION = "23505";
const SLOT_INDEX = "job_records_one_running_per_installation_slot";

/**
 * Marks a job's record `running` for `attempt`, unless it was cancelled, its target is busy, or its installation
 * already runs `maxPerInstallation` jobs (undefined: no limit). `workerId`: the claiming worker's liveness id.
 *
 * Why our own claim in the records table rather than pg-boss 10's `singleton` queue policy: that policy
 * holds one active job per (queue, singletonKey), but (1) a queue is one job kind, while one issue may
 * have a command and a fix in line; (2) its fetch takes the oldest job of the queue and, when that
 * job's key is busy, fails on the unique index instead of skipping it, so one busy issue would stall
 * every other issue's jobs of that kind; (3) existing queues were created `standard`, and pg-boss never
 * changes a queue's policy. `stately` drops a second waiting job, and a second command must queue.
 *
 * Exclusion across processes rests on partial unique indexes, so it needs no lock and no transaction beyond this
 * one statement: one `running` record per target, and one per (installation, slot), where a job of an installation
 * takes the lowest of its slots 0…max-1 that no running job holds. Of two workers that race for a target or for
 * an installation's last slot, the second gets a unique violation, which here means "waiting". Arrival order
 * rests on `seq`: a job starts only when no older job of its target is still queued (or retrying).
 */
export async function claimJobRecord(
  db: Database,
  key: string,
  attempt: number,
  startedAt: string,
  maxPerInstallation?: number,
  workerId?: string,
): Promise<ClaimResult> {
  const limit = maxPerInstallation ?? null;
  try {
    const { rows } = await db.query(
      `WITH me AS (
         SELECT key, data->>'installationId' AS installation FROM ${SCHEMA}.job_records WHERE key = $1
       ), free AS (
         -- min() over no rows is one NULL row: no free slot, or no slot needed.
         SELECT min(s) AS slot FROM me, generate_series(0, COALESCE($4::int, 0) - 1) AS s
         WHERE me.installation IS NOT NULL AND NOT EXISTS (
           SELECT 1 FROM ${SCHEMA}.job_records o
           WHERE o.status = 'running' AND o.installation_slot = s
             AND (o.data->>'installationId') = me.installation AND o.key <> me.key)
       )
       UPDATE ${SCHEMA}.job_records r SET
         status = 'running', attempts = $2, phase = NULL, started_at = $3::timestamptz,
         finished_at = NULL, duration_ms = NULL, installation_slot = (SELECT slot FROM free),
         -- The worker running it (liveness.ts): when that worker stops beating, the sweep retries the job.
         worker_id = $5
       WHERE r.key = $1
         AND r.status NOT IN ('cancelled', 'succeeded') AND r.cancel_requested_at IS NULL
         AND (r.target IS NULL OR NOT EXISTS (
           SELECT 1 FROM ${SCHEMA}.job_records o
           WHERE o.target = r.target AND o.key <> r.key
             AND (o.status = 'running' OR (o.status = 'queued' AND o.seq < r.seq))))
         AND ($4::int IS NULL OR (r.data->>'installationId') IS NULL OR (SELECT slot FROM free) IS NOT NULL)
       RETURNING id`,
      [key, attempt, startedAt, limit, workerId ?? null],
    );
    if (rows.length === 1) return "claimed";
  } catch (err) {
    const e = err as { code?: string; constraint?: string; message?: string };
    if (e.code !== UNIQUE_VIOLATION) throw err;
    const slot = e.constraint === SLOT_INDEX || (e.message ?? "").includes(SLOT_INDEX);
    return slot ? "installation-busy" : "waiting";
  }
  const { rows } = await db.query<{ status: string; cancel_requested_at: unknown; target_busy: boolean }>(
    `SELECT status, cancel_requested_at, (r.target IS NOT NULL AND EXISTS (
       SELECT 1 FROM ${SCHEMA}.job_records o
       WHERE o.target = r.target AND o.key <> r.key
         AND (o.status = 'running' OR (o.status = 'queued' AND o.seq < r.seq)))) AS target_busy
     FROM ${SCHEMA}.job_records r WHERE key = $1`,
    [key],
  );
  if (rows.length === 0) return "missing";
  if (rows[0].status === "cancelled" || rows[0].cancel_requested_at != null) return "cancelled";
  if (rows[0].status === "succeeded") return "finished";
  return limit !== null && !rows[0].target_busy ? "installation-busy" : "waiting";
}

import type { Database } from "../db.js";
import { SCHEMA } from "../migrations.js";

// The job was cancelled between its enqueue and this fetch (cancelJob already wrote that), or while
// an attempt ran in a worker that died: the record says `cancelled` and nothing runs.
export async function markRecordCancelled(db: Database, key: string): Promise<void> {
  await db.query(
    `UPDATE ${SCHEMA}.job_records SET status = 'cancelled', outcome = 'cancelled',
       error = COALESCE(error, 'the job was cancelled: ' || COALESCE(cancel_reason, 'cancelled on request')),
       finished_at = COALESCE(finished_at, now())
     WHERE key = $1 AND status <> 'cancelled'`,
    [key],
  );
}

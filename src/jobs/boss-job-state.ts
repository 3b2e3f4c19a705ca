import type { Database } from "./db.js";

// pg-boss's own schema: createQueue never sets another. The two statements below act on a single job
// row the way pg-boss 10's own plans do (plans.js: cancelJobs; fetchNextJob for retry_count), and go
// through our Database so that cancelJob needs no running PgBoss instance (a web process has none).
const BOSS_SCHEMA = "pgboss";

/**
 * Cancels a job that has not finished, like `boss.cancel(name, id)`: a cancelled job is never fetched
 * again, retried or dead-lettered.
 * @returns whether a job was cancelled.
 */
export async function cancelBossJob(db: Database, name: string, id: string): Promise<boolean> {
  const { rows } = await db.query(
    `UPDATE ${BOSS_SCHEMA}.job SET completed_on = now(), state = 'cancelled'
     WHERE name = $1 AND id = $2::uuid AND state < 'completed' RETURNING id`,
    [name, id],
  );
  return rows.length === 1;
}

/**
 * Puts a job the worker has just fetched back in line, to be fetched again after `seconds`, WITHOUT
 * spending a retry: pg-boss counts a retry when it fetches a job whose started_on is set, so clearing
 * started_on (retry_count already holds this attempt's number) makes the next fetch the same attempt.
 * Only an active job is touched; pg-boss's own complete() after the handler then finds nothing to do.
 * @returns whether the job was put back.
 */
export async function deferBossJob(db: Database, name: string, id: string, seconds: number): Promise<boolean> {
  const { rows } = await db.query(
    `UPDATE ${BOSS_SCHEMA}.job SET
       state = CASE WHEN retry_count > 0 THEN 'retry'::${BOSS_SCHEMA}.job_state ELSE 'created'::${BOSS_SCHEMA}.job_state END,
       started_on = NULL,
       start_after = now() + make_interval(secs => $3::double precision),
       -- pg-boss archives a job that waited past keep_until unfetched; a job waiting its turn must not vanish.
       keep_until = GREATEST(keep_until, now() + interval '1 day')
     WHERE name = $1 AND id = $2::uuid AND state = 'active' RETURNING id`,
    [name, id, seconds],
  );
  return rows.length === 1;
}

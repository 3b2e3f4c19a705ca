import type { Database } from "./db.js";
import { SCHEMA } from "./migrations.js";

// The workers table (migration 12): one row per running worker process, its heartbeat in seen_at. Every time here
// is the database's now(), so workers on machines with skewed clocks judge each other by one clock.

const BOSS_SCHEMA = "pgboss";

export interface WorkerIdentity {
  id: string;
  host: string;
  pid: number;
}

/** Adds (or revives) the worker's row, seen now. */
export async function registerWorker(db: Database, w: WorkerIdentity): Promise<void> {
  await db.query(
    `INSERT INTO ${SCHEMA}.workers (id, host, pid, started_at, seen_at) VALUES ($1, $2, $3, now(), now())
     ON CONFLICT (id) DO UPDATE SET seen_at = now()`,
    [w.id, w.host, w.pid],
  );
}

/**
 * One heartbeat. `null`: the row is gone, so a sweep counted this worker dead and retried its jobs elsewhere.
 * Otherwise the seconds since the previous beat: a worker that itself went unheard for long (the database was
 * down, its event loop stalled) must not judge others by the beats they could not send either.
 */
export async function beatWorker(db: Database, id: string): Promise<number | null> {
  const { rows } = await db.query<{ gap: string | number }>(
    `UPDATE ${SCHEMA}.workers w SET seen_at = now()
     FROM (SELECT seen_at FROM ${SCHEMA}.workers WHERE id = $1) prev
     WHERE w.id = $1
     RETURNING EXTRACT(EPOCH FROM now() - prev.seen_at) AS gap`,
    [id],
  );
  return rows.length === 0 ? null : Number(rows[0].gap);
}

/** Removes the worker's row (graceful shutdown): nobody waits the dead-after time for a worker that said goodbye. */
export async function forgetWorker(db: Database, id: string): Promise<void> {
  await db.query(`DELETE FROM ${SCHEMA}.workers WHERE id = $1`, [id]);
}

/**
 * Removes every row but `alive`'s. Only for PGlite, whose DATA_DIR one process holds at a time: any other row is
 * a previous process of this DATA_DIR, dead whatever its seen_at says, so its jobs are retried at start.
 */
export async function forgetWorkersExcept(db: Database, alive: string[]): Promise<number> {
  const { rows } = await db.query(`DELETE FROM ${SCHEMA}.workers WHERE NOT (id = ANY($1::text[])) RETURNING id`, [alive]);
  return rows.length;
}

/** The job record keys this worker holds as running. */
export async function recordsHeldBy(db: Database, id: string): Promise<Set<string>> {
  const { rows } = await db.query<{ key: string }>(`SELECT key FROM ${SCHEMA}.job_records WHERE status = 'running' AND worker_id = $1`, [
    id,
  ]);
  return new Set(rows.map((r) => r.key));
}

export interface SweptJob {
  /** The job record's id, which is also its pg-boss job id (job-id.ts). */
  id: string;
  key: string;
  kind: string;
  deadWorker: string;
  /** Worker deaths under this job so far, this one included. */
  deaths: number;
  /** What the record now says. */
  error: string;
  /** Given up (`failed`): its workers died maxDeaths times. Otherwise queued and retried now. */
  givenUp: boolean;
  /** Whether its pg-boss job was active and so was moved (retried now, or readied for the dead letters). */
  moved: boolean;
}

/**
 * Retries, now, the running jobs of workers not seen for `deadAfterSeconds`, and forgets those workers' rows.
 *
 * One statement, so several workers may sweep at once: a record is taken only while it is still `running` under
 * the dead worker, so one sweeper gets it. The record becomes `queued` (no longer holding its serial target or its
 * installation slot, whose unique indexes key on status = 'running'), and its pg-boss job goes from active to
 * retry with start_after = now. The next fetch counts a new attempt (pg-boss does when started_on is set), so a
 * late write of the dead attempt stays fenced by attempt and worker; retry_limit goes up by one, so a worker's
 * death does not spend one of the job's own retries: a SIGKILL, an OOM of another process, a lost machine are
 * not the job's fault. But a job that kills its worker every time would loop: at `maxDeaths` it is `failed`
 * instead, its retry_limit set to its retry_count, and the caller fails it in pg-boss (dead letters → give-up).
 */
export async function sweepDeadWorkers(db: Database, deadAfterSeconds: number, maxDeaths: number): Promise<SweptJob[]> {
  const { rows } = await db.query<{
    id: string;
    key: string;
    kind: string;
    dead_worker: string;
    worker_deaths: number;
    status: string;
    error: string;
    moved: boolean;
  }>(
    `WITH stale AS (
       SELECT r.id, r.worker_id FROM ${SCHEMA}.job_records r
       WHERE r.status = 'running' AND r.worker_id IS NOT NULL AND NOT EXISTS (
         SELECT 1 FROM ${SCHEMA}.workers w
         WHERE w.id = r.worker_id AND w.seen_at >= now() - make_interval(secs => $1::double precision))
     ), swept AS (
       UPDATE ${SCHEMA}.job_records r SET
         worker_deaths = r.worker_deaths + 1,
         worker_id = NULL,
         status = CASE WHEN r.worker_deaths + 1 >= $2 THEN 'failed' ELSE 'queued' END,
         phase = CASE WHEN r.worker_deaths + 1 >= $2 THEN r.phase ELSE 'retried: its worker died' END,
         outcome = CASE WHEN r.worker_deaths + 1 >= $2 THEN 'worker-died: ' || (r.worker_deaths + 1) || ' times' ELSE r.outcome END,
         error = CASE WHEN r.worker_deaths + 1 >= $2
           THEN 'its worker died ' || (r.worker_deaths + 1) || ' times while running it (the job may be what kills it, e.g. out of memory): given up'
           ELSE 'its worker ' || s.worker_id || ' stopped beating (it died, or lost the database): retried' END,
         finished_at = CASE WHEN r.worker_deaths + 1 >= $2 THEN now() ELSE r.finished_at END,
         duration_ms = CASE WHEN r.worker_deaths + 1 >= $2 AND r.started_at IS NOT NULL
           THEN (EXTRACT(EPOCH FROM now() - r.started_at) * 1000)::integer ELSE r.duration_ms END
       FROM stale s
       WHERE r.id = s.id AND r.status = 'running' AND r.worker_id = s.worker_id
       RETURNING r.id, r.key, r.kind, s.worker_id AS dead_worker, r.worker_deaths, r.status, r.error
     ), forgotten AS (
       DELETE FROM ${SCHEMA}.workers WHERE seen_at < now() - make_interval(secs => $1::double precision)
     ), moved AS (
       UPDATE ${BOSS_SCHEMA}.job j SET
         state = CASE WHEN s.status = 'queued' THEN 'retry'::${BOSS_SCHEMA}.job_state ELSE j.state END,
         start_after = CASE WHEN s.status = 'queued' THEN now() ELSE j.start_after END,
         retry_limit = CASE WHEN s.status = 'queued' THEN j.retry_limit + 1 ELSE j.retry_count END,
         keep_until = GREATEST(j.keep_until, now() + interval '1 day')
       FROM swept s
       WHERE j.name = s.kind AND j.id = s.id::uuid AND j.state = 'active'
       RETURNING j.id
     )
     SELECT s.*, EXISTS (SELECT 1 FROM moved m WHERE m.id = s.id::uuid) AS moved FROM swept s`,
    [deadAfterSeconds, maxDeaths],
  );
  return rows.map((r) => ({
    id: r.id,
    key: r.key,
    kind: r.kind,
    deadWorker: r.dead_worker,
    deaths: Number(r.worker_deaths),
    error: r.error,
    givenUp: r.status === "failed",
    moved: r.moved,
  }));
}

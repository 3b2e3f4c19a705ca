// What /metrics reads from the database at scrape time: the same numbers from every process, since the queue
// and the job records are shared. Both are one GROUP BY each.
import type { Database } from "./db.js";
import { SCHEMA } from "./migrations.js";

/** Jobs waiting in pg-boss (created, or failed and waiting for their retry), by queue (= job kind). */
export async function queueDepthByKind(db: Database): Promise<{ kind: string; waiting: number }[]> {
  const { rows } = await db.query<{ name: string; n: string | number }>(
    `SELECT name, count(*) AS n FROM pgboss.job WHERE state IN ('created', 'retry') GROUP BY name`,
  );
  return rows.map((r) => ({ kind: r.name, waiting: Number(r.n) }));
}

/** Job records by kind, status and outcome, as stored (the caller shortens outcomes to few label values). */
export async function jobCountsByOutcome(db: Database): Promise<{ kind: string; status: string; outcome: string | null; n: number }[]> {
  const { rows } = await db.query<{ kind: string; status: string; outcome: string | null; n: string | number }>(
    `SELECT kind, status, outcome, count(*) AS n FROM ${SCHEMA}.job_records GROUP BY kind, status, outcome`,
  );
  return rows.map((r) => ({ kind: r.kind, status: r.status, outcome: r.outcome, n: Number(r.n) }));
}

// What the maintenance tick and the dashboard read back from the job records: the runs of each task (fix jobs
// whose origin is `maintenance`, see types.ts), found by their data rather than a meta field, so whichever
// code enqueued a run, it counts. One query per repository, not per task: a tick walks every repository each
// minute. (The run itself may keep a usage query of its own for its budget check; this one is the dashboard's.)
import { z } from "zod";
import type { Database } from "./db.js";
import { SCHEMA } from "./migrations.js";
import { rowToJobRecord, SELECT_JOB_RECORDS, type JobRecord } from "./records.js";

const Repo = z.string().min(1, "repo is empty");
const MAINTENANCE_RUN = `kind = 'fix' AND data->'origin'->>'type' = 'maintenance'`;

/**
 * Per task, the key of the latest schedule period a run was enqueued for (ISO times sort as strings). Runs by
 * hand (`manual-…`) do not count: a run-now does not use up the scheduled run of its period.
 */
export async function lastScheduledPeriods(db: Database, repo: string): Promise<Map<string, string>> {
  const { rows } = await db.query<{ task: string; period: string }>(
    `SELECT data->'origin'->>'task' AS task, max(data->'origin'->>'period') AS period FROM ${SCHEMA}.job_records
     WHERE repo = $1 AND ${MAINTENANCE_RUN} AND data->'origin'->>'trigger' = 'schedule'
     GROUP BY data->'origin'->>'task'`,
    [Repo.parse(repo)],
  );
  return new Map(rows.map((r) => [r.task, r.period]));
}

/** Per task, its newest run (scheduled or by hand), whatever its status. */
export async function latestMaintenanceRuns(db: Database, repo: string): Promise<Map<string, JobRecord>> {
  const { rows } = await db.query(
    `SELECT DISTINCT ON (data->'origin'->>'task') * FROM (${SELECT_JOB_RECORDS}
       WHERE repo = $1 AND ${MAINTENANCE_RUN}) runs
     ORDER BY data->'origin'->>'task', created_at DESC, id`,
    [Repo.parse(repo)],
  );
  return new Map(rows.map((row) => [String((row as { data: { origin: { task: string } } }).data.origin.task), rowToJobRecord(row)]));
}

/** Per task, the pull request number of its newest run that links one (`…/pull/<n>` in the record's links). */
export async function latestMaintenancePullRequests(db: Database, repo: string): Promise<Map<string, number>> {
  const { rows } = await db.query(
    `SELECT DISTINCT ON (data->'origin'->>'task') data->'origin'->>'task' AS task, links FROM ${SCHEMA}.job_records
     WHERE repo = $1 AND ${MAINTENANCE_RUN} AND links::text LIKE '%/pull/%'
     ORDER BY data->'origin'->>'task', created_at DESC, id`,
    [Repo.parse(repo)],
  );
  const found = new Map<string, number>();
  for (const row of rows as { task: string; links: unknown }[]) {
    const links = (typeof row.links === "string" ? JSON.parse(row.links) : row.links) as Record<string, unknown>;
    for (const value of Object.values(links ?? {})) {
      const n = typeof value === "string" ? /\/pull\/(\d+)(?:[/?#]|$)/.exec(value)?.[1] : undefined;
      if (n) {
        found.set(row.task, Number(n));
        break;
      }
    }
  }
  return found;
}

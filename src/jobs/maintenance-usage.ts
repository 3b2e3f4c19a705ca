import { z } from "zod";
import type { Database } from "./db.js";
import { SCHEMA } from "./migrations.js";

/**
 * Outcomes of maintenance runs that stopped in the gates, before any checkout or agent: they spent nothing,
 * so they do not count against `maintenance.daily_runs`.
 */
export const MAINTENANCE_STOPPED_OUTCOMES = [
  "budget-spent",
  "task-gone",
  "task-disabled",
  "limit-open-prs",
  "person-committed",
  "invalid-config",
  "no-flaky-test",
] as const;

const Params = z.object({
  repo: z.string().min(1),
  /** The run asking: it is not counted against itself. */
  /** The asking run's own key, left out of the count; omitted when nobody asks (the dashboard). */
  excludeKey: z.string().min(1).optional(),
  now: z.date(),
});

export interface MaintenanceUsage {
  /** Maintenance runs of the repository created today (UTC) that did or may still do work. */
  runs: number;
  /** Input plus output tokens those runs reported. */
  tokens: number;
}

/** The start of the UTC day `now` falls in. */
export function utcDayStart(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

/**
 * What a repository's maintenance runs used today (UTC), from the job records: a maintenance run's key comes
 * from maintenanceRunKey (`fix:<repo>:maintenance:<task>@<period>`), whoever enqueued it. A run still queued
 * or running counts (it may yet spend), one refused in the gates does not.
 */
export async function maintenanceUsageToday(
  db: Database,
  opts: { repo: string; excludeKey?: string; now?: Date },
): Promise<MaintenanceUsage> {
  const o = Params.parse({ ...opts, now: opts.now ?? new Date() });
  const { rows } = await db.query(
    `SELECT count(*) FILTER (WHERE outcome IS NULL OR NOT (outcome = ANY($4::text[]))) AS runs,
            COALESCE(sum(COALESCE(input_tokens, 0) + COALESCE(output_tokens, 0)), 0) AS tokens
     FROM ${SCHEMA}.job_records
     WHERE lower(repo) = lower($1) AND kind = 'fix' AND key LIKE 'fix:%:maintenance:%'
       AND created_at >= $2::timestamptz AND key IS DISTINCT FROM $3`,
    [o.repo, utcDayStart(o.now).toISOString(), o.excludeKey ?? null, [...MAINTENANCE_STOPPED_OUTCOMES]],
  );
  return { runs: Number(rows[0].runs), tokens: Number(rows[0].tokens) };
}

/** Whether the day's maintenance budget is spent: the run gate refuses then, and the tick enqueues nothing. */
export function budgetSpent(used: MaintenanceUsage, limits: { daily_runs: number; daily_tokens: number }): boolean {
  return used.runs >= limits.daily_runs || used.tokens >= limits.daily_tokens;
}

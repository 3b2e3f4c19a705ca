// The dashboard's time series (re-exported by outcome-stats.ts): one row per UTC day or week of the range,
// empty ones included, so that a chart needs no gap filling.
import type { Database } from "./db.js";
import { SCHEMA } from "./migrations.js";
import { outcomeClass } from "./outcome-class.js";

const DAY_MS = 86_400_000;

/** The last `n` UTC days, oldest first, as YYYY-MM-DD (today included). */
function lastDays(n: number, now = Date.now()): string[] {
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  return Array.from({ length: n }, (_, i) => new Date(today - (n - 1 - i) * DAY_MS).toISOString().slice(0, 10));
}

/** The Mondays (UTC) of the last `n` weeks, oldest first, as YYYY-MM-DD (this week included). */
function lastWeeks(n: number, now = Date.now()): string[] {
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const monday = today - ((new Date(today).getUTCDay() + 6) % 7) * DAY_MS;
  return Array.from({ length: n }, (_, i) => new Date(monday - (n - 1 - i) * 7 * DAY_MS).toISOString().slice(0, 10));
}

const positive = (n: number, what: string) => {
  if (!Number.isInteger(n) || n < 1 || n > 3660) throw new Error(`${what} must be an integer from 1 to 3660`);
  return n;
};

export interface RunsPerDayRow {
  /** YYYY-MM-DD (UTC), by the job's creation. */
  day: string;
  /**
   * Jobs by outcome: a succeeded job by its outcome's first word (`explained`, `pr-opened`, `skipped`, …), any
   * other by its status (`failed`, `cancelled`, `queued`, `running`).
   */
  counts: Record<string, number>;
  total: number;
}

/** Jobs created per day over the last `days` days (today included), by outcome. */
export async function runsPerDay(db: Database, opts: { days: number; repo?: string }): Promise<RunsPerDayRow[]> {
  const days = lastDays(positive(opts.days, "days"));
  const { rows } = await db.query<{ day: string; status: string; outcome: string | null; n: string | number }>(
    `SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, status, outcome, count(*) AS n FROM ${SCHEMA}.job_records
     WHERE created_at >= $1::timestamptz AND ($2::text IS NULL OR lower(repo) = $2) GROUP BY 1, 2, 3`,
    [`${days[0]}T00:00:00Z`, opts.repo?.toLowerCase() ?? null],
  );
  const byDay = new Map(days.map((day) => [day, { day, counts: {} as Record<string, number>, total: 0 }]));
  for (const r of rows) {
    const d = byDay.get(r.day);
    if (!d) continue;
    const key = r.status === "succeeded" ? outcomeClass(r.outcome) : r.status;
    d.counts[key] = (d.counts[key] ?? 0) + Number(r.n);
    d.total += Number(r.n);
  }
  return [...byDay.values()];
}

export interface MergeRateWeek {
  /** The week's Monday, YYYY-MM-DD (UTC). */
  weekStart: string;
  /** The bot's PRs opened this week. */
  opened: number;
  /** PRs decided this week (by their closing time): merged, and closed without merging. */
  merged: number;
  closed: number;
  /** merged / (merged + closed) of the week's decisions; null in a week without any. */
  mergeRate: number | null;
}

/** The merge rate of the bot's PRs per week over the last `weeks` weeks (this week included). */
export async function mergeRateByWeek(db: Database, opts: { weeks: number; repo?: string }): Promise<MergeRateWeek[]> {
  const weeks = lastWeeks(positive(opts.weeks, "weeks"));
  const repo = opts.repo?.toLowerCase() ?? null;
  const week = (col: string) => `to_char(date_trunc('week', ${col} AT TIME ZONE 'UTC'), 'YYYY-MM-DD')`;
  const { rows } = await db.query<{ week: string; what: string; n: string | number }>(
    `SELECT ${week("opened_at")} AS week, 'opened' AS what, count(*) AS n FROM ${SCHEMA}.bot_prs
       WHERE opened_at >= $1::timestamptz AND ($2::text IS NULL OR repo = $2) GROUP BY 1
     UNION ALL
     SELECT ${week("closed_at")} AS week, state AS what, count(*) AS n FROM ${SCHEMA}.bot_prs
       WHERE state IN ('merged', 'closed') AND closed_at >= $1::timestamptz AND ($2::text IS NULL OR repo = $2) GROUP BY 1, 2`,
    [`${weeks[0]}T00:00:00Z`, repo],
  );
  const byWeek = new Map(weeks.map((w) => [w, { weekStart: w, opened: 0, merged: 0, closed: 0, mergeRate: null as number | null }]));
  for (const r of rows) {
    const w = byWeek.get(r.week);
    if (w && (r.what === "opened" || r.what === "merged" || r.what === "closed")) w[r.what] += Number(r.n);
  }
  for (const w of byWeek.values()) w.mergeRate = w.merged + w.closed ? w.merged / (w.merged + w.closed) : null;
  return [...byWeek.values()];
}

export interface CostByRepoRow {
  /** owner/name, lower-case. */
  repo: string;
  jobs: number;
  /** Input plus output tokens of its jobs. */
  tokens: number;
  /** USD at the operator's prices; jobs of unpriced models add nothing (see unpricedJobs). */
  costUsd: number;
  /** Jobs that spent tokens on a model without a price: their cost is unknown, never guessed. */
  unpricedJobs: number;
}

/** What each repository's jobs created in the last `days` days spent, most expensive first. */
export async function costByRepo(db: Database, opts: { days: number }): Promise<CostByRepoRow[]> {
  const { rows } = await db.query(
    `SELECT lower(repo) AS repo, count(*) AS jobs, COALESCE(sum(COALESCE(input_tokens, 0) + COALESCE(output_tokens, 0)), 0) AS tokens,
       COALESCE(sum(cost_usd), 0) AS cost,
       count(*) FILTER (WHERE cost_usd IS NULL AND COALESCE(input_tokens, 0) + COALESCE(output_tokens, 0) > 0) AS unpriced
     FROM ${SCHEMA}.job_records WHERE created_at > now() - make_interval(days => $1::int) GROUP BY 1`,
    [positive(opts.days, "days")],
  );
  return rows
    .map((r) => ({ repo: r.repo, jobs: +r.jobs, tokens: +r.tokens, costUsd: +r.cost, unpricedJobs: +r.unpriced }))
    .sort((a, b) => b.costUsd - a.costUsd || b.tokens - a.tokens || a.repo.localeCompare(b.repo));
}

export interface TimeToTriageDay {
  /** YYYY-MM-DD (UTC), by the failed run's webhook. */
  day: string;
  /** Triage jobs that posted an explanation. */
  triages: number;
  /** Median and slowest time from the failed run's webhook to the explanation posted; null on a day without any. */
  medianMs: number | null;
  maxMs: number | null;
}

/** Time from a failed run to its triage, per day over the last `days` days. */
export async function timeToTriage(db: Database, opts: { days: number; repo?: string }): Promise<TimeToTriageDay[]> {
  const days = lastDays(positive(opts.days, "days"));
  const { rows } = await db.query(
    `SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, count(*) AS n,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM (finished_at - created_at)) * 1000) AS median_ms,
       max(EXTRACT(EPOCH FROM (finished_at - created_at)) * 1000) AS max_ms
     FROM ${SCHEMA}.job_records
     WHERE kind = 'triage' AND status = 'succeeded' AND outcome LIKE 'explained%' AND finished_at IS NOT NULL
       AND created_at >= $1::timestamptz AND ($2::text IS NULL OR lower(repo) = $2) GROUP BY 1`,
    [`${days[0]}T00:00:00Z`, opts.repo?.toLowerCase() ?? null],
  );
  const byDay = new Map(days.map((day) => [day, { day, triages: 0, medianMs: null as number | null, maxMs: null as number | null }]));
  for (const r of rows) {
    const d = byDay.get(r.day);
    if (d) Object.assign(d, { triages: Number(r.n), medianMs: Number(r.median_ms), maxMs: Number(r.max_ms) });
  }
  return [...byDay.values()];
}

// "Does the bot help, and what does it cost?" as numbers, per repository, task kind and agent: what the
// dashboard (src/web/dashboard/) and the CLI read. Plain functions over the database: bot_prs (how the bot's PRs
// ended, outcomes.ts), job_records (when jobs were asked for and ended, their tokens and cost) and agent_runs
// (which agent ran, races). Medians are PostgreSQL's percentile_cont(0.5): for an even count, the mean of the two
// middle values. Times are in milliseconds; days and weeks are UTC.
import type { Database } from "./db.js";
import { SCHEMA } from "./migrations.js";

export { costByRepo, mergeRateByWeek, runsPerDay, timeToTriage } from "./outcome-series.js";
export type { CostByRepoRow, MergeRateWeek, RunsPerDayRow, TimeToTriageDay } from "./outcome-series.js";

/** One (repository, kind, agent): how its PRs ended, how fast it answered, what a merged fix cost, its races. */
export interface OutcomeStatsRow {
  /** owner/name, lower-case. */
  repo: string;
  /** `triage` for triage jobs; the PR's kind (`fix`, `plan`, `maintenance`) for the bot's PRs; the job kind for races. */
  kind: string;
  /** `codex`, `claude`, or `unknown` where no agent run was recorded. */
  agent: string;
  prs: { opened: number; merged: number; closed: number; open: number; reverted: number };
  /** merged / (merged + closed): of the PRs people decided on, the share they merged; null when none was decided. */
  mergedShare: number | null;
  /** Triage jobs that posted an explanation, and the median time from the failed run's webhook to the triage posted. */
  triages: number;
  medianTriageMs: number | null;
  /** Issue-labelled fixes that opened a PR, and the median time from the label's webhook to the PR. */
  labelledFixes: number;
  medianLabelToPrMs: number | null;
  /**
   * The tokens and cost of the jobs that opened the PRs later merged, divided by those PRs (review rounds on a
   * PR are jobs of their own and not counted). Cost null when no merged fix had a priced model.
   */
  tokensPerMergedFix: number | null;
  costPerMergedFixUsd: number | null;
  /** Races (`/codex race`, fix.race) this agent ran for this kind, and how many it won. */
  races: { run: number; won: number };
}

export interface OutcomeStatsOptions {
  /** Only this repository (any case). */
  repo?: string;
  /** Only what started in the last N days (PRs by opening, jobs by creation); default 30. */
  sinceDays?: number;
}

type Key = string;
const keyOf = (repo: string, kind: string, agent: string): Key => `${repo}\0${kind}\0${agent}`;
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function emptyRow(repo: string, kind: string, agent: string): OutcomeStatsRow {
  return {
    repo,
    kind,
    agent,
    prs: { opened: 0, merged: 0, closed: 0, open: 0, reverted: 0 },
    mergedShare: null,
    triages: 0,
    medianTriageMs: null,
    labelledFixes: 0,
    medianLabelToPrMs: null,
    tokensPerMergedFix: null,
    costPerMergedFixUsd: null,
    races: { run: 0, won: 0 },
  };
}

// The agent of a job: the agent of its first recorded run (a second opinion's run comes after).
const JOB_AGENT = `COALESCE((SELECT a.agent FROM ${SCHEMA}.agent_runs a WHERE a.job_key = j.key ORDER BY a.id LIMIT 1), 'unknown')`;

/**
 * Per repository, task kind and agent: share of the bot's PRs merged, median time from a failed run to its triage
 * comment, median time from an issue label to its PR, tokens and cost per merged fix, races won. Rows sorted by
 * repository, kind, agent; only combinations with something to show.
 */
export async function outcomeStats(db: Database, opts: OutcomeStatsOptions = {}): Promise<OutcomeStatsRow[]> {
  const days = opts.sinceDays ?? 30;
  const repo = opts.repo?.toLowerCase() ?? null;
  const params = [days, repo];
  const rows = new Map<Key, OutcomeStatsRow>();
  const row = (r: string, k: string, a: string) => {
    const key = keyOf(r, k, a);
    let found = rows.get(key);
    if (!found) rows.set(key, (found = emptyRow(r, k, a)));
    return found;
  };

  const prs = await db.query(
    `SELECT p.repo, COALESCE(p.kind, 'fix') AS kind, COALESCE(p.agent, 'unknown') AS agent,
       count(*) AS opened,
       count(*) FILTER (WHERE p.state = 'merged') AS merged,
       count(*) FILTER (WHERE p.state = 'closed') AS closed,
       count(*) FILTER (WHERE p.state = 'open') AS open,
       count(*) FILTER (WHERE p.reverted_at IS NOT NULL) AS reverted,
       sum(COALESCE(j.input_tokens, 0) + COALESCE(j.output_tokens, 0)) FILTER (WHERE p.state = 'merged') AS merged_tokens,
       sum(j.cost_usd) FILTER (WHERE p.state = 'merged') AS merged_cost
     FROM ${SCHEMA}.bot_prs p LEFT JOIN ${SCHEMA}.job_records j ON j.key = p.job_key
     WHERE p.opened_at > now() - make_interval(days => $1::int) AND ($2::text IS NULL OR p.repo = $2)
     GROUP BY 1, 2, 3`,
    params,
  );
  for (const p of prs.rows) {
    const r = row(p.repo, p.kind, p.agent);
    r.prs = { opened: +p.opened, merged: +p.merged, closed: +p.closed, open: +p.open, reverted: +p.reverted };
    const decided = r.prs.merged + r.prs.closed;
    r.mergedShare = decided ? r.prs.merged / decided : null;
    r.tokensPerMergedFix = r.prs.merged ? Number(p.merged_tokens ?? 0) / r.prs.merged : null;
    r.costPerMergedFixUsd = r.prs.merged && p.merged_cost !== null ? Number(p.merged_cost) / r.prs.merged : null;
  }

  const triage = await db.query(
    `SELECT lower(j.repo) AS repo, ${JOB_AGENT} AS agent, count(*) AS n,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM (j.finished_at - j.created_at)) * 1000) AS median_ms
     FROM ${SCHEMA}.job_records j
     WHERE j.kind = 'triage' AND j.status = 'succeeded' AND j.outcome LIKE 'explained%' AND j.finished_at IS NOT NULL
       AND j.created_at > now() - make_interval(days => $1::int) AND ($2::text IS NULL OR lower(j.repo) = $2)
     GROUP BY 1, 2`,
    params,
  );
  for (const t of triage.rows) Object.assign(row(t.repo, "triage", t.agent), { triages: +t.n, medianTriageMs: num(t.median_ms) });

  const labelled = await db.query(
    `SELECT p.repo, COALESCE(p.kind, 'fix') AS kind, COALESCE(p.agent, 'unknown') AS agent, count(*) AS n,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM (p.opened_at - j.created_at)) * 1000) AS median_ms
     FROM ${SCHEMA}.bot_prs p JOIN ${SCHEMA}.job_records j ON j.key = p.job_key
     WHERE j.kind = 'fix' AND j.data->'origin'->>'type' = 'issue'
       AND p.opened_at > now() - make_interval(days => $1::int) AND ($2::text IS NULL OR p.repo = $2)
     GROUP BY 1, 2, 3`,
    params,
  );
  for (const l of labelled.rows) Object.assign(row(l.repo, l.kind, l.agent), { labelledFixes: +l.n, medianLabelToPrMs: num(l.median_ms) });

  const races = await db.query(
    `SELECT repo, kind, agent, count(*) AS run, count(*) FILTER (WHERE race = 'won') AS won FROM ${SCHEMA}.agent_runs
     WHERE race IS NOT NULL AND created_at > now() - make_interval(days => $1::int) AND ($2::text IS NULL OR repo = $2)
     GROUP BY 1, 2, 3`,
    params,
  );
  for (const r of races.rows) row(r.repo, r.kind, r.agent).races = { run: +r.run, won: +r.won };

  return [...rows.values()].sort((a, b) => a.repo.localeCompare(b.repo) || a.kind.localeCompare(b.kind) || a.agent.localeCompare(b.agent));
}

import type { Database } from "./db.js";
import { SCHEMA } from "./migrations.js";

/** One job as `codex-dispatch jobs` lists it: the record, its first agent, and how its PR ended (if it opened one). */
export interface JobOutcomeRow {
  key: string;
  kind: string;
  repo: string;
  status: string;
  outcome: string | null;
  createdAt: string;
  durationMs: number | null;
  tokens: number | null;
  costUsd: number | null;
  agent: string | null;
  pr: { number: number; state: "open" | "merged" | "closed"; reverted: boolean } | null;
}

/** The most recent jobs (newest first), of one repository (any case) or all. */
export async function recentJobOutcomes(db: Database, opts: { repo?: string; limit: number }): Promise<JobOutcomeRow[]> {
  const { rows } = await db.query(
    `SELECT j.key, j.kind, j.repo, j.status, j.outcome, j.created_at, j.duration_ms, j.input_tokens, j.output_tokens, j.cost_usd,
       (SELECT a.agent FROM ${SCHEMA}.agent_runs a WHERE a.job_key = j.key ORDER BY a.id LIMIT 1) AS agent,
       p.number AS pr_number, p.state AS pr_state, p.reverted_at AS pr_reverted
     FROM ${SCHEMA}.job_records j LEFT JOIN ${SCHEMA}.bot_prs p ON p.job_key = j.key
     WHERE ($1::text IS NULL OR lower(j.repo) = $1) ORDER BY j.created_at DESC, j.id LIMIT $2`,
    [opts.repo?.toLowerCase() ?? null, Math.max(1, Math.min(1000, Math.trunc(opts.limit)))],
  );
  return rows.map((r) => ({
    key: r.key,
    kind: r.kind,
    repo: r.repo,
    status: r.status,
    outcome: r.outcome,
    createdAt: new Date(r.created_at).toISOString(),
    durationMs: r.duration_ms === null ? null : Number(r.duration_ms),
    tokens: r.input_tokens === null && r.output_tokens === null ? null : Number(r.input_tokens ?? 0) + Number(r.output_tokens ?? 0),
    costUsd: r.cost_usd === null ? null : Number(r.cost_usd),
    agent: r.agent ?? null,
    pr: r.pr_number === null ? null : { number: Number(r.pr_number), state: r.pr_state, reverted: r.pr_reverted !== null },
  }));
}

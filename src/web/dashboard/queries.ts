// The dashboard's own reads: the jobs list, one job, and the filter's choices, over job_records and agent_runs.
// Filters come from the query string and go to the database as parameters only. The charts and the outcomes
// table read jobs/outcome-stats.ts, shared with the CLI.
import { z } from "zod";
import type { Database } from "../../jobs/db.js";
import { JOB_STATUSES } from "../../jobs/records.js";
import { SCHEMA } from "../../jobs/migrations.js";

export const JobFilterSchema = z.object({
  repo: z.string().max(200).optional(),
  kind: z.string().max(50).optional(),
  status: z.enum(JOB_STATUSES).optional(),
  agent: z.string().max(50).optional(),
});
export type JobFilter = z.infer<typeof JobFilterSchema>;

/** The filter from a query string: empty or unknown values mean "any" rather than an error page. */
export function filterFrom(params: URLSearchParams): JobFilter {
  const pick = (name: string) => params.get(name)?.trim() || undefined;
  const parsed = JobFilterSchema.safeParse({ repo: pick("repo"), kind: pick("kind"), status: pick("status"), agent: pick("agent") });
  return parsed.success ? parsed.data : {};
}

export interface JobRow {
  id: string;
  key: string;
  kind: string;
  repo: string;
  status: string;
  target: string | null;
  createdAt: Date;
  finishedAt: Date | null;
  durationMs: number | null;
  tokens: number | null;
  costUsd: number | null;
  outcome: string | null;
  error: string | null;
  links: Record<string, string>;
  data: unknown;
  agents: string | null;
}

const num = (v: unknown) => (v == null ? null : Number(v));
const json = (v: unknown) => (typeof v === "string" ? JSON.parse(v) : v);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const toJob = (r: Record<string, any>): JobRow => ({
  id: r.id,
  key: r.key,
  kind: r.kind,
  repo: r.repo,
  status: r.status,
  target: r.target ?? null,
  createdAt: new Date(r.created_at),
  finishedAt: r.finished_at ? new Date(r.finished_at) : null,
  durationMs: num(r.duration_ms),
  tokens: r.input_tokens == null && r.output_tokens == null ? null : Number(r.input_tokens ?? 0) + Number(r.output_tokens ?? 0),
  costUsd: num(r.cost_usd),
  outcome: r.outcome ?? null,
  error: r.error ?? null,
  links: (json(r.links) ?? {}) as Record<string, string>,
  data: json(r.data),
  agents: r.agents ?? null,
});

const JOB_COLUMNS = `j.id, j.key, j.kind, j.repo, j.status, j.target, j.created_at, j.finished_at, j.duration_ms, j.input_tokens,
  j.output_tokens, j.cost_usd, j.outcome, j.error, j.links, j.data,
  (SELECT string_agg(DISTINCT a.agent, ', ') FROM ${SCHEMA}.agent_runs a WHERE a.job_key = j.key) AS agents`;

/** Newest first, at most `limit`. */
export async function listJobs(db: Database, f: JobFilter, limit = 200): Promise<JobRow[]> {
  const { rows } = await db.query(
    `SELECT ${JOB_COLUMNS} FROM ${SCHEMA}.job_records j
     WHERE ($1::text IS NULL OR j.repo = $1) AND ($2::text IS NULL OR j.kind = $2) AND ($3::text IS NULL OR j.status = $3)
       AND ($4::text IS NULL OR EXISTS (SELECT 1 FROM ${SCHEMA}.agent_runs a WHERE a.job_key = j.key AND a.agent = $4))
     ORDER BY j.created_at DESC, j.id LIMIT $5`,
    [f.repo ?? null, f.kind ?? null, f.status ?? null, f.agent ?? null, limit],
  );
  return rows.map(toJob);
}

export async function findJob(db: Database, id: string): Promise<JobRow | null> {
  const { rows } = await db.query(`SELECT ${JOB_COLUMNS} FROM ${SCHEMA}.job_records j WHERE j.id = $1`, [id]);
  return rows.length ? toJob(rows[0]) : null;
}

export async function jobStatus(db: Database, key: string): Promise<string | null> {
  const { rows } = await db.query<{ status: string }>(`SELECT status FROM ${SCHEMA}.job_records WHERE key = $1`, [key]);
  return rows[0]?.status ?? null;
}

/** What the filter's drop-downs offer: the values present in the data. */
export async function filterChoices(db: Database): Promise<{ repos: string[]; kinds: string[]; agents: string[] }> {
  const col = async (sql: string) => (await db.query<{ v: string }>(sql)).rows.map((r) => r.v);
  return {
    repos: await col(`SELECT DISTINCT repo AS v FROM ${SCHEMA}.job_records ORDER BY 1 LIMIT 500`),
    kinds: await col(`SELECT DISTINCT kind AS v FROM ${SCHEMA}.job_records ORDER BY 1`),
    agents: await col(`SELECT DISTINCT agent AS v FROM ${SCHEMA}.agent_runs ORDER BY 1`),
  };
}

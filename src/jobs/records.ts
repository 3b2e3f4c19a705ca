import { z } from "zod";
import type { Database } from "./db.js";
import { SCHEMA } from "./migrations.js";

export const JOB_STATUSES = ["queued", "running", "succeeded", "failed", "cancelled"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export interface JobTokens {
  input: number;
  output: number;
  /**
   * What they cost in USD at the operator's prices (stored as the record's cost_usd); null when the model has no
   * price. Absent: the cost column is left as it is.
   */
  costUsd?: number | null;
}

/** What the dashboard shows about one job: one record per idempotency key. */
export interface JobRecord {
  /** Derived from the key (see jobIdForKey); also the pg-boss job id. */
  id: string;
  key: string;
  kind: string;
  repo: string;
  status: JobStatus;
  phase: string | null;
  attempts: number;
  createdAt: string;
  /** Start of the latest attempt. */
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  tokens: JobTokens | null;
  /** USD; null when unknown (no tokens, or a model with no price). */
  costUsd?: number | null;
  outcome: string | null;
  error: string | null;
  links: Record<string, string>;
  /** What the job produced, structured (see JobResult.result); null when it produced nothing more. */
  result?: Record<string, unknown> | null;
  data: unknown;
  meta: Record<string, unknown>;
  // Optional in the type so that records built by hand (fixtures) need not list them; records read
  // from the database always carry them.
  /** The serial key ("owner/repo#12") the job runs one-at-a-time under; null when it has none. */
  target?: string | null;
  /** Set when a cancel was asked for (the job may still be stopping). */
  cancelRequestedAt?: string | null;
  cancelReason?: string | null;
}

export type JobRecordPatch = Partial<
  Pick<
    JobRecord,
    | "status"
    | "phase"
    | "attempts"
    | "startedAt"
    | "finishedAt"
    | "durationMs"
    | "tokens"
    | "outcome"
    | "error"
    | "links"
    | "meta"
    | "result"
  >
>;

const TokensSchema = z.object({
  input: z.number().int().nonnegative(),
  output: z.number().int().nonnegative(),
  costUsd: z.number().nonnegative().nullable().optional(),
});
const IsoDate = z.string().refine((s) => !Number.isNaN(Date.parse(s)), "expected an ISO date string");

const PatchSchema = z
  .object({
    status: z.enum(JOB_STATUSES),
    phase: z.string().max(200).nullable(),
    attempts: z.number().int().nonnegative(),
    startedAt: IsoDate.nullable(),
    finishedAt: IsoDate.nullable(),
    durationMs: z.number().int().nonnegative().nullable(),
    tokens: TokensSchema.nullable(),
    outcome: z.string().nullable(),
    error: z.string().nullable(),
    links: z.record(z.string(), z.string()),
    meta: z.record(z.string(), z.unknown()),
    result: z.record(z.string(), z.unknown()).nullable(),
  })
  .partial()
  .strict();

// Patch fields → columns. Only these names ever reach the SQL text; values always go as parameters.
const COLUMNS: Record<Exclude<keyof JobRecordPatch, "tokens">, string> = {
  status: "status",
  phase: "phase",
  attempts: "attempts",
  startedAt: "started_at",
  finishedAt: "finished_at",
  durationMs: "duration_ms",
  outcome: "outcome",
  error: "error",
  links: "links",
  meta: "meta",
  result: "result",
};

export const SELECT_JOB_RECORDS = `SELECT id, key, kind, repo, status, phase, attempts, created_at, started_at, finished_at, duration_ms,
  input_tokens, output_tokens, cost_usd, outcome, error, links, result, data, meta, target, cancel_requested_at, cancel_reason
  FROM ${SCHEMA}.job_records`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Row = Record<string, any>;

const iso = (v: unknown): string | null => (v == null ? null : new Date(v as string | Date).toISOString());
// Postgres returns bigint as a string through `pg`; PGlite may return a number.
const num = (v: unknown): number | null => (v == null ? null : Number(v));
const json = (v: unknown): unknown => (typeof v === "string" ? JSON.parse(v) : v);

export function rowToJobRecord(row: Row): JobRecord {
  const input = num(row.input_tokens);
  const output = num(row.output_tokens);
  return {
    id: row.id,
    key: row.key,
    kind: row.kind,
    repo: row.repo,
    status: row.status,
    phase: row.phase ?? null,
    attempts: Number(row.attempts),
    createdAt: iso(row.created_at)!,
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
    durationMs: num(row.duration_ms),
    tokens: input == null && output == null ? null : { input: input ?? 0, output: output ?? 0 },
    costUsd: num(row.cost_usd),
    outcome: row.outcome ?? null,
    error: row.error ?? null,
    links: (json(row.links) ?? {}) as Record<string, string>,
    result: (json(row.result) ?? null) as Record<string, unknown> | null,
    data: json(row.data),
    meta: (json(row.meta) ?? {}) as Record<string, unknown>,
    target: row.target ?? null,
    cancelRequestedAt: iso(row.cancel_requested_at),
    cancelReason: row.cancel_reason ?? null,
  };
}

export async function getJobRecord(db: Database, key: string): Promise<JobRecord | null> {
  const { rows } = await db.query(`${SELECT_JOB_RECORDS} WHERE key = $1`, [key]);
  return rows.length ? rowToJobRecord(rows[0]) : null;
}

const ListSchema = z.object({
  limit: z.number().int().min(1).max(1000),
  repo: z.string().optional(),
  status: z.enum(JOB_STATUSES).optional(),
});

/** Newest first. */
export async function listJobRecords(db: Database, opts: { limit: number; repo?: string; status?: JobStatus }): Promise<JobRecord[]> {
  const o = ListSchema.parse(opts);
  const { rows } = await db.query(
    `${SELECT_JOB_RECORDS} WHERE ($1::text IS NULL OR repo = $1) AND ($2::text IS NULL OR status = $2)
     ORDER BY created_at DESC, id LIMIT $3`,
    [o.repo ?? null, o.status ?? null, o.limit],
  );
  return rows.map(rowToJobRecord);
}

/**
 * Applies a patch to the record of `key`. With `onlyAttempt`, the update applies only while the record
 * is still at that attempt: a worker whose job pg-boss already expired and handed to another worker
 * must not overwrite what the newer attempt wrote. With `onlyWorker`, only while that worker still holds it: a
 * worker counted dead (worker/liveness.ts) whose job was retried elsewhere must not write over the retry, even
 * in the moment before the retry claims it.
 * @returns whether a record was updated.
 */
export async function updateJobRecord(
  db: Database,
  key: string,
  patch: JobRecordPatch,
  opts: { onlyAttempt?: number; onlyWorker?: string } = {},
): Promise<boolean> {
  const p = PatchSchema.parse(patch);
  const sets: string[] = [];
  const params: unknown[] = [key];
  const add = (column: string, value: unknown, cast = "") => {
    params.push(value);
    sets.push(`${column} = $${params.length}${cast}`);
  };
  for (const [field, value] of Object.entries(p)) {
    if (field === "tokens") {
      const t = value as JobTokens | null;
      add("input_tokens", t ? t.input : null);
      add("output_tokens", t ? t.output : null);
      if (t === null || t.costUsd !== undefined) add("cost_usd", t?.costUsd ?? null);
    } else if (field === "links" || field === "meta" || field === "result") {
      add(COLUMNS[field], JSON.stringify(value), "::jsonb");
    } else if (field === "startedAt" || field === "finishedAt") {
      add(COLUMNS[field], value, "::timestamptz");
    } else {
      add(COLUMNS[field as keyof typeof COLUMNS], value);
    }
  }
  if (sets.length === 0) return (await getJobRecord(db, key)) !== null;
  // Back in line, the record is nobody's: a worker of an older release (a rolling upgrade) claims without setting
  // worker_id, and a stale one there would let a sweep take its job for a dead worker's (worker/liveness.ts).
  if (p.status === "queued") sets.push("worker_id = NULL");
  let where = "key = $1";
  if (opts.onlyAttempt !== undefined) {
    params.push(opts.onlyAttempt);
    where += ` AND attempts = $${params.length}`;
  }
  if (opts.onlyWorker !== undefined) {
    params.push(opts.onlyWorker);
    where += ` AND worker_id = $${params.length}`;
  }
  const { rows } = await db.query(`UPDATE ${SCHEMA}.job_records SET ${sets.join(", ")} WHERE ${where} RETURNING id`, params);
  return rows.length === 1;
}

const CountSchema = z.object({
  repo: z.string().min(1),
  branch: z.string().min(1),
  kind: z.string().min(1),
  sinceMs: z.number().nonnegative(),
});

/**
 * How many jobs of `kind` were created for `branch` of `repo` at or after `sinceMs` (a Unix time in
 * milliseconds, e.g. `Date.now() - 24 * 3600_000`), for a per-branch attempt budget. The branch is
 * read from `meta.branch`, else `data.branch`, as enqueueOnce stored them.
 */
export async function countRecentJobs(
  db: Database,
  opts: { repo: string; branch: string; kind: string; sinceMs: number },
): Promise<number> {
  const o = CountSchema.parse(opts);
  const { rows } = await db.query(
    `SELECT count(*) AS n FROM ${SCHEMA}.job_records
     WHERE repo = $1 AND kind = $2 AND created_at >= to_timestamp($3::double precision / 1000)
       AND COALESCE(meta->>'branch', data->>'branch') = $4`,
    [o.repo, o.kind, o.sinceMs, o.branch],
  );
  return Number(rows[0].n);
}

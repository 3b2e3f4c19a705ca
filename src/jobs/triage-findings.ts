// What triage learned, kept for the maintenance tasks that build on it: the flaky-test chaser counts the tests
// that fail on code that also passes (or that triage called flaky), and the agents-md task reads back the causes
// that keep recurring. Written by the triage pipeline and the workflow_run handler; read by the tick and the run.
import { z } from "zod";
import type { Database } from "./db.js";
import { MAINTENANCE_STOPPED_OUTCOMES } from "./maintenance-usage.js";
import { SCHEMA } from "./migrations.js";

// A test name is the model's reading of an untrusted log: one line, no control characters, bounded.
const TestName = z
  .string()
  .min(1)
  .max(300)
  .regex(/^[^\p{Cc}]+$/u, "a test name is one line without control characters");
const Sha = z.string().regex(/^[0-9a-f]{40}$/);
const Repo = z
  .string()
  .min(3)
  .transform((r) => r.toLowerCase());

const FindingSchema = z.object({
  jobKey: z.string().min(1),
  repo: Repo,
  ciName: z.string().min(1).max(300),
  headSha: Sha,
  classification: z.string().min(1).max(40),
  summary: z.string().max(300),
  rootCause: z.string().max(2000),
  tests: z.array(TestName).max(20),
});
export type TriageFinding = z.input<typeof FindingSchema>;

/** Keeps one triage's report (a retried job replaces its own row). */
export async function recordTriageFinding(db: Database, finding: TriageFinding): Promise<void> {
  const f = FindingSchema.parse(finding);
  await db.query(
    `INSERT INTO ${SCHEMA}.triage_findings (job_key, repo, ci_name, head_sha, classification, summary, root_cause, tests)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)
     ON CONFLICT (job_key) DO UPDATE SET classification = EXCLUDED.classification, summary = EXCLUDED.summary,
       root_cause = EXCLUDED.root_cause, tests = EXCLUDED.tests`,
    [f.jobKey, f.repo, f.ciName, f.headSha, f.classification, f.summary, f.rootCause, JSON.stringify([...new Set(f.tests)])],
  );
}

/**
 * A workflow passed on a commit: kept only when a triage job exists for that commit (enqueued when it failed,
 * so before any re-run could pass), which spares a row for every green build. Returns whether it was kept.
 */
export async function recordRerunPass(db: Database, pass: { repo: string; headSha: string; ciName: string }): Promise<boolean> {
  const p = z.object({ repo: z.string().min(3), headSha: Sha, ciName: z.string().min(1).max(300) }).parse(pass);
  const { rows } = await db.query(
    `INSERT INTO ${SCHEMA}.rerun_passes (repo, head_sha, ci_name)
     SELECT lower($1), $2, $3 WHERE EXISTS (
       SELECT 1 FROM ${SCHEMA}.job_records WHERE repo = $1 AND kind = 'triage' AND data->>'headSha' = $2)
     ON CONFLICT DO NOTHING RETURNING 1`,
    [p.repo, p.headSha, p.ciName],
  );
  return rows.length > 0;
}

export interface FlakyTest {
  test: string;
  /** Flaky failures counted: since the window began, and since the test was last chased. */
  failures: number;
  lastSeen: Date;
}

const FlakyQuery = z.object({
  repo: Repo,
  since: z.date(),
  threshold: z.number().int().min(1),
  limit: z.number().int().min(1).max(100).default(10),
});

/**
 * Tests with at least `threshold` flaky failures since `since`, most first. A failure is flaky when triage said
 * so, or when the same workflow passed on the same commit (same code, another result). Failures before the
 * test's last chase (a maintenance run for it that got past the gates) do not count again: a test is chased
 * anew only when it keeps failing after the bot tried.
 */
export async function flakyTests(db: Database, query: z.input<typeof FlakyQuery>): Promise<FlakyTest[]> {
  const q = FlakyQuery.parse(query);
  const { rows } = await db.query<{ test: string; failures: number; last_seen: string | Date }>(
    `WITH observed AS (
       SELECT t.test, f.created_at FROM ${SCHEMA}.triage_findings f
       CROSS JOIN LATERAL jsonb_array_elements_text(f.tests) AS t(test)
       WHERE f.repo = $1 AND f.created_at >= $2::timestamptz
         AND (f.classification = 'flaky' OR EXISTS (SELECT 1 FROM ${SCHEMA}.rerun_passes p
               WHERE p.repo = f.repo AND p.head_sha = f.head_sha AND p.ci_name = f.ci_name))
     ), chased AS (
       SELECT data->'origin'->>'test' AS test, max(created_at) AS at FROM ${SCHEMA}.job_records
       WHERE lower(repo) = $1 AND kind = 'fix' AND data->'origin'->>'type' = 'maintenance' AND data->'origin' ? 'test'
         AND (outcome IS NULL OR NOT (outcome = ANY($5::text[])))
       GROUP BY 1
     )
     SELECT o.test, count(*)::int AS failures, max(o.created_at) AS last_seen
     FROM observed o LEFT JOIN chased c ON c.test = o.test
     WHERE c.at IS NULL OR o.created_at > c.at
     GROUP BY o.test HAVING count(*) >= $3
     ORDER BY failures DESC, last_seen DESC, o.test LIMIT $4`,
    [q.repo, q.since.toISOString(), q.threshold, q.limit, [...MAINTENANCE_STOPPED_OUTCOMES]],
  );
  return rows.map((r) => ({ test: r.test, failures: Number(r.failures), lastSeen: new Date(r.last_seen) }));
}

export interface RecurringCause {
  classification: string;
  count: number;
  /** The newest findings of this class, newest first (untrusted model text: fence it before a prompt). */
  examples: { summary: string; rootCause: string; ciName: string }[];
}

/** What triage found since `since`, by class, the most frequent first: the agents-md task's notes. */
export async function recurringCauses(db: Database, opts: { repo: string; since: Date; examples?: number }): Promise<RecurringCause[]> {
  const repo = Repo.parse(opts.repo);
  const { rows } = await db.query<{ classification: string; summary: string; root_cause: string; ci_name: string; n: number }>(
    `SELECT classification, summary, root_cause, ci_name, count(*) OVER (PARTITION BY classification)::int AS n,
            row_number() OVER (PARTITION BY classification ORDER BY created_at DESC, job_key) AS r
     FROM ${SCHEMA}.triage_findings WHERE repo = $1 AND created_at >= $2::timestamptz
     ORDER BY n DESC, classification, r`,
    [repo, opts.since.toISOString()],
  );
  const byClass = new Map<string, RecurringCause>();
  for (const row of rows) {
    const cause = byClass.get(row.classification) ?? { classification: row.classification, count: Number(row.n), examples: [] };
    byClass.set(row.classification, cause);
    if (cause.examples.length < (opts.examples ?? 3))
      cause.examples.push({ summary: row.summary, rootCause: row.root_cause, ciName: row.ci_name });
  }
  return [...byClass.values()];
}

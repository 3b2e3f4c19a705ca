import type { Database } from "./db.js";

/** Our own tables live in their own schema, next to pg-boss's `pgboss` schema, in the same database. */
export const SCHEMA = "codex_dispatch";

// Every statement is idempotent (IF NOT EXISTS), so running this at every start is safe. The advisory
// lock makes two processes that start at the same moment on one Postgres take turns: concurrent
// CREATE TABLE IF NOT EXISTS can otherwise fail on the system catalogues' unique indexes.
const STATEMENTS = [
  `CREATE SCHEMA IF NOT EXISTS ${SCHEMA}`,
  // One row per webhook delivery GUID: GitHub redelivers with the same GUID, and we act once.
  `CREATE TABLE IF NOT EXISTS ${SCHEMA}.deliveries (
     guid text PRIMARY KEY,
     event text NOT NULL,
     action text,
     repo text,
     received_at timestamptz NOT NULL DEFAULT now()
   )`,
  // One row per idempotency key, ever: the unique key is what makes enqueueOnce "at most once".
  `CREATE TABLE IF NOT EXISTS ${SCHEMA}.job_records (
     id text PRIMARY KEY,
     key text NOT NULL UNIQUE,
     kind text NOT NULL,
     repo text NOT NULL,
     status text NOT NULL DEFAULT 'queued'
       CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
     phase text,
     attempts integer NOT NULL DEFAULT 0,
     created_at timestamptz NOT NULL DEFAULT now(),
     started_at timestamptz,
     finished_at timestamptz,
     duration_ms integer,
     input_tokens bigint,
     output_tokens bigint,
     outcome text,
     error text,
     links jsonb NOT NULL DEFAULT '{}'::jsonb,
     data jsonb NOT NULL DEFAULT '{}'::jsonb,
     meta jsonb NOT NULL DEFAULT '{}'::jsonb,
     gave_up_at timestamptz
   )`,
  `CREATE INDEX IF NOT EXISTS job_records_repo_kind_created ON ${SCHEMA}.job_records (repo, kind, created_at)`,
  `CREATE INDEX IF NOT EXISTS job_records_created ON ${SCHEMA}.job_records (created_at)`,
  `CREATE INDEX IF NOT EXISTS job_records_status ON ${SCHEMA}.job_records (status)`,
  // Cancellation: a running job is cancelled by a request in its record, which the worker running it
  // polls (that worker may be another process); a queued job is cancelled at once.
  `ALTER TABLE ${SCHEMA}.job_records ADD COLUMN IF NOT EXISTS cancel_requested_at timestamptz`,
  `ALTER TABLE ${SCHEMA}.job_records ADD COLUMN IF NOT EXISTS cancel_reason text`,
  // Serial execution per target (an issue or PR, "owner/repo#12"): jobs with the same target run one at
  // a time in arrival order. seq is the arrival order: created_at is the transaction's start time and
  // can tie, and a sequence of our own (rather than bigserial) keeps ADD COLUMN IF NOT EXISTS idempotent.
  `ALTER TABLE ${SCHEMA}.job_records ADD COLUMN IF NOT EXISTS target text`,
  `CREATE SEQUENCE IF NOT EXISTS ${SCHEMA}.job_records_seq`,
  `ALTER TABLE ${SCHEMA}.job_records ADD COLUMN IF NOT EXISTS seq bigint DEFAULT nextval('${SCHEMA}.job_records_seq')`,
  // The guarantee behind "one at a time": two workers (in two processes) that both try to start a job
  // of one target cannot both commit status = 'running'; the second gets a unique violation.
  `CREATE UNIQUE INDEX IF NOT EXISTS job_records_one_running_per_target ON ${SCHEMA}.job_records (target)
     WHERE status = 'running' AND target IS NOT NULL`,
  // Sticky comments by (repository, issue or PR, marker): an edit needs no search (see sticky-comments.ts).
  `CREATE TABLE IF NOT EXISTS ${SCHEMA}.sticky_comments (
     repo text NOT NULL,
     issue_number integer NOT NULL,
     marker text NOT NULL,
     comment_id bigint NOT NULL,
     PRIMARY KEY (repo, issue_number, marker)
   )`,
  `CREATE INDEX IF NOT EXISTS job_records_target_active ON ${SCHEMA}.job_records (target, seq)
     WHERE status IN ('queued', 'running') AND target IS NOT NULL`,
];

export async function runMigrations(db: Database): Promise<void> {
  await db.exec(
    [
      "BEGIN",
      `SELECT pg_advisory_xact_lock(hashtext('${SCHEMA}.migrations'))`,
      ...STATEMENTS,
      "COMMIT",
    ].join(";\n"),
  );
}

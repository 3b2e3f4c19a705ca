import type { Database } from "./database.js";

/** Our own tables live in their own schema, next to pg-boss's `pgboss` schema, in the same database. */
export const SCHEMA = "codex_dispatch";

// Versioned migrations: each runs once, in order, recorded in schema_migrations. All of them run in one
// transaction under an advisory lock, so several processes starting together on one Postgres take turns and the
// second finds the work done. Version 1 is the schema of the first releases, written with IF NOT EXISTS, so a
// database made before versions existed is adopted as it is. A database of a newer release is refused: this
// version cannot know what that schema means. Add a migration at the end; never edit one that shipped.
interface Migration {
  version: number;
  name: string;
  statements: string[];
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: "deliveries, job records, cancellation, serial targets",
    statements: [
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
      `CREATE INDEX IF NOT EXISTS job_records_target_active ON ${SCHEMA}.job_records (target, seq)
     WHERE status IN ('queued', 'running') AND target IS NOT NULL`,
    ],
  },
  {
    version: 2,
    name: "sticky comment ids",
    statements: [
      // Sticky comments by (repository, issue or PR, marker): an edit needs no search (see sticky-comments.ts).
      `CREATE TABLE IF NOT EXISTS ${SCHEMA}.sticky_comments (
     repo text NOT NULL,
     issue_number integer NOT NULL,
     marker text NOT NULL,
     comment_id bigint NOT NULL,
     PRIMARY KEY (repo, issue_number, marker)
   )`,
    ],
  },
  {
    version: 3,
    name: "triage findings and re-run passes",
    statements: [
      // One row per triage that produced a report: what the flaky-test chaser counts and what the agents-md task
      // reads back. repo is lower-case (GitHub names are case-insensitive); tests is the report's failing_tests.
      `CREATE TABLE IF NOT EXISTS ${SCHEMA}.triage_findings (
     job_key text PRIMARY KEY,
     repo text NOT NULL,
     ci_name text NOT NULL,
     head_sha text NOT NULL,
     classification text NOT NULL,
     summary text NOT NULL,
     root_cause text NOT NULL,
     tests jsonb NOT NULL DEFAULT '[]'::jsonb,
     created_at timestamptz NOT NULL DEFAULT now()
   )`,
      `CREATE INDEX IF NOT EXISTS triage_findings_repo_created ON ${SCHEMA}.triage_findings (repo, created_at)`,
      // A workflow that passed on a commit where it had failed: same code, another result, so the failure was not
      // the code's (flaky). Kept only for commits with a triage; one row per (repository, commit, workflow).
      `CREATE TABLE IF NOT EXISTS ${SCHEMA}.rerun_passes (
     repo text NOT NULL,
     head_sha text NOT NULL,
     ci_name text NOT NULL,
     passed_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (repo, head_sha, ci_name)
   )`,
    ],
  },
  {
    version: 4,
    name: "job cost",
    statements: [
      // What the job's tokens cost in USD at the operator's prices when it ran; NULL when the model had no price
      // (shown as "cost unknown", never guessed). numeric, not float: it is summed for reports.
      `ALTER TABLE ${SCHEMA}.job_records ADD COLUMN IF NOT EXISTS cost_usd numeric`,
      // The day budgets sum today's tokens per repository and per installation.
      `CREATE INDEX IF NOT EXISTS job_records_installation_created ON ${SCHEMA}.job_records (((data->>'installationId')), created_at)`,
    ],
  },
  {
    version: 5,
    name: "agent runs",
    statements: [
      // One row per agent run (a job may run two: a second opinion): which agent did which kind of work on which
      // repository, and whether it ended with an answer. What `agent.routing: auto` learns from.
      `CREATE TABLE IF NOT EXISTS ${SCHEMA}.agent_runs (
     id bigserial PRIMARY KEY,
     job_key text NOT NULL,
     repo text NOT NULL,
     kind text NOT NULL,
     agent text NOT NULL,
     model text,
     answered boolean NOT NULL,
     tokens bigint NOT NULL DEFAULT 0,
     cost_usd numeric,
     created_at timestamptz NOT NULL DEFAULT now()
   )`,
      `CREATE INDEX IF NOT EXISTS agent_runs_repo_kind_created ON ${SCHEMA}.agent_runs (repo, kind, created_at)`,
    ],
  },
  {
    version: 6,
    name: "race results",
    statements: [
      // A race's two runs: 'won' or 'lost', and by what margin. A lost race counts against its agent in `auto`.
      `ALTER TABLE ${SCHEMA}.agent_runs ADD COLUMN IF NOT EXISTS race text CHECK (race IN ('won', 'lost'))`,
      `ALTER TABLE ${SCHEMA}.agent_runs ADD COLUMN IF NOT EXISTS race_margin text`,
    ],
  },
  {
    version: 7,
    name: "race candidates",
    statements: [
      // fix.race_judge: checks: both candidates of a race are pushed as draft PRs, and the repository's own CI
      // decides. One row per candidate until the judge (pipeline/fix/race-judge.ts) has decided.
      `CREATE TABLE IF NOT EXISTS ${SCHEMA}.race_candidates (
     race_key text NOT NULL,
     repo text NOT NULL,
     agent text NOT NULL,
     branch text NOT NULL,
     pr_number integer NOT NULL,
     head_sha text NOT NULL,
     lines integer NOT NULL,
     cost_usd numeric,
     result text CHECK (result IN ('won', 'lost')),
     created_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (race_key, agent)
   )`,
      `CREATE INDEX IF NOT EXISTS race_candidates_pending ON ${SCHEMA}.race_candidates (repo, head_sha) WHERE result IS NULL`,
    ],
  },
  {
    version: 8,
    name: "plans",
    statements: [
      // A plan issue (pipeline/plan/): its task list fanned out to fix jobs. One row per issue; `run` counts its
      // starts (a new start after a stop or the end re-runs what has no PR, under new job keys).
      `CREATE TABLE IF NOT EXISTS ${SCHEMA}.plans (
     repo text NOT NULL,
     issue_number integer NOT NULL,
     installation_id bigint NOT NULL,
     state text NOT NULL CHECK (state IN ('running', 'stopped', 'done')),
     run integer NOT NULL DEFAULT 1,
     requested_by text NOT NULL,
     summary_posted boolean NOT NULL DEFAULT false,
     created_at timestamptz NOT NULL DEFAULT now(),
     updated_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (repo, issue_number)
   )`,
      // Its items, numbered for good: a number names a branch (codex/plan/<issue>-<n>), so an edit that adds an
      // item gives it the next number and a dropped item keeps its own. `norm` is the text edits are matched by.
      `CREATE TABLE IF NOT EXISTS ${SCHEMA}.plan_items (
     repo text NOT NULL,
     issue_number integer NOT NULL,
     n integer NOT NULL,
     text text NOT NULL,
     norm text NOT NULL,
     after integer[] NOT NULL DEFAULT '{}',
     status text NOT NULL CHECK (status IN ('done', 'pending', 'queued', 'running', 'pr', 'failed', 'dropped', 'stopped')),
     job_key text,
     reason text,
     pr_number integer,
     pr_url text,
     input_tokens bigint,
     output_tokens bigint,
     cost_usd numeric,
     PRIMARY KEY (repo, issue_number, n)
   )`,
    ],
  },
  {
    version: 9,
    name: "job results and tasks",
    statements: [
      // What a job produced, structured (a fix's hand-off and diff stat, an explain's answer, a triage's report):
      // what the MCP server's task_result answers. NULL for jobs that produce nothing beyond outcome and links.
      `ALTER TABLE ${SCHEMA}.job_records ADD COLUMN IF NOT EXISTS result jsonb`,
      // MCP tasks are found by their id (meta.task), never by a key the caller could guess.
      `CREATE INDEX IF NOT EXISTS job_records_task ON ${SCHEMA}.job_records ((meta->>'task')) WHERE meta ? 'task'`,
    ],
  },
  {
    version: 10,
    name: "outcomes of the bot's pull requests and feedback on its comments",
    statements: [
      // One row per pull request the bot opened: how it ended (merged, closed, still open; reverted later), which
      // job opened it. What "does the bot help?" is measured from (share merged, cost per merged fix). repo is
      // lower-case, as GitHub names are case-insensitive.
      `CREATE TABLE IF NOT EXISTS ${SCHEMA}.bot_prs (
     repo text NOT NULL,
     number integer NOT NULL,
     job_key text,
     kind text,
     agent text,
     head_sha text,
     opened_at timestamptz NOT NULL DEFAULT now(),
     state text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'merged', 'closed')),
     closed_at timestamptz,
     merged_at timestamptz,
     merge_sha text,
     reverted_at timestamptz,
     revert_sha text,
     PRIMARY KEY (repo, number)
   )`,
      `CREATE INDEX IF NOT EXISTS bot_prs_opened ON ${SCHEMA}.bot_prs (opened_at)`,
      // 👍/👎 on the bot's triage (and other) comments, as last read: counts, not who reacted.
      `CREATE TABLE IF NOT EXISTS ${SCHEMA}.comment_feedback (
     repo text NOT NULL,
     comment_id bigint NOT NULL,
     job_key text,
     thumbs_up integer NOT NULL DEFAULT 0,
     thumbs_down integer NOT NULL DEFAULT 0,
     updated_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (repo, comment_id)
   )`,
    ],
  },
  {
    version: 11,
    name: "per-installation running slots, triage records by head sha",
    statements: [
      // Per-installation concurrency across all worker processes (claim-record.ts): a running job of an installation
      // holds one of its MAX_JOBS_PER_INSTALLATION slots. The unique index is the guarantee, as for serial targets:
      // two workers that race for an installation's last free slot cannot both commit status = 'running' with it.
      // NULL for jobs without an installation and for records claimed by a release before this one.
      `ALTER TABLE ${SCHEMA}.job_records ADD COLUMN IF NOT EXISTS installation_slot integer`,
      `CREATE UNIQUE INDEX IF NOT EXISTS job_records_one_running_per_installation_slot
     ON ${SCHEMA}.job_records (((data->>'installationId')), installation_slot)
     WHERE status = 'running' AND installation_slot IS NOT NULL`,
      // recordRerunPass asks "was this commit triaged?" on every green workflow run: an index, not a scan of the
      // triage records' data.
      `CREATE INDEX IF NOT EXISTS job_records_triage_head_sha ON ${SCHEMA}.job_records (repo, ((data->>'headSha'))) WHERE kind = 'triage'`,
    ],
  },
  {
    version: 12,
    name: "worker liveness: heartbeats, the worker running each job",
    statements: [
      // One row per running worker process, beaten every WORKER_HEARTBEAT_SECONDS (jobs/worker/liveness.ts). A worker
      // not seen for the dead-after time is dead: the sweep retries its running jobs at once, instead of pg-boss
      // noticing only when the attempt expires (JOB_ATTEMPT_SECONDS, 45 minutes). seen_at is the database's clock, so
      // machines with skewed clocks agree.
      `CREATE TABLE IF NOT EXISTS ${SCHEMA}.workers (
     id text PRIMARY KEY,
     host text NOT NULL,
     pid integer NOT NULL,
     started_at timestamptz NOT NULL DEFAULT now(),
     seen_at timestamptz NOT NULL DEFAULT now()
   )`,
      // The worker that claimed a running record (claim-record.ts), and how many of its workers died under it: a job
      // that kills its worker every time is given up after a few, not retried forever.
      `ALTER TABLE ${SCHEMA}.job_records ADD COLUMN IF NOT EXISTS worker_id text`,
      `ALTER TABLE ${SCHEMA}.job_records ADD COLUMN IF NOT EXISTS worker_deaths integer NOT NULL DEFAULT 0`,
    ],
  },
  {
    version: 13,
    name: "job events: the agent's timeline",
    statements: [
      // What the dashboard's job page shows and streams while a job runs: the agent's events as they arrive
      // (commands with exit codes, files changed, messages), redacted and shortened, capped per run
      // (pipeline/steps/timeline.ts). seq comes from one sequence, so a poller in another process reads the
      // rows after the last seq it sent.
      `CREATE SEQUENCE IF NOT EXISTS ${SCHEMA}.job_events_seq`,
      `CREATE TABLE IF NOT EXISTS ${SCHEMA}.job_events (
     job_key text NOT NULL,
     seq bigint NOT NULL DEFAULT nextval('${SCHEMA}.job_events_seq'),
     at timestamptz NOT NULL DEFAULT now(),
     type text NOT NULL,
     text text NOT NULL,
     exit_code integer,
     PRIMARY KEY (job_key, seq)
   )`,
    ],
  },
];

const LOCK = `SELECT pg_advisory_xact_lock(hashtext('${SCHEMA}.migrations'))`;

/** Brings the schema to the newest version this release knows; refuses a database of a newer release. */
export async function runMigrations(db: Database): Promise<void> {
  const guarded = MIGRATIONS.map(
    (m) => `DO $migration$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM ${SCHEMA}.schema_migrations WHERE version = ${m.version}) THEN
    ${m.statements.join(";\n    ")};
    INSERT INTO ${SCHEMA}.schema_migrations (version, name) VALUES (${m.version}, '${m.name.replace(/'/g, "''")}');
  END IF;
END $migration$`,
  );
  await db.exec(
    [
      "BEGIN",
      LOCK,
      `CREATE SCHEMA IF NOT EXISTS ${SCHEMA}`,
      `CREATE TABLE IF NOT EXISTS ${SCHEMA}.schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
      ...guarded,
      "COMMIT",
    ].join(";\n"),
  );
  const { rows } = await db.query<{ v: number | null }>(`SELECT max(version) AS v FROM ${SCHEMA}.schema_migrations`);
  const latest = MIGRATIONS[MIGRATIONS.length - 1].version;
  if (Number(rows[0]?.v ?? 0) > latest) {
    throw new Error(
      `the database's schema is at version ${rows[0]?.v}, newer than this release knows (${latest}): run the newer release, or restore a backup`,
    );
  }
}

import type { Database } from "./db.js";
import { SCHEMA } from "./migrations.js";

// A plan issue's state (migration 8): the plan, and its items with what became of each. Only the plan coordinator
// (pipeline/plan/) writes here, one job at a time per issue (its serial key); `/codex stop` flips the state.

export type PlanState = "running" | "stopped" | "done";
export type ItemStatus = "done" | "pending" | "queued" | "running" | "pr" | "failed" | "dropped" | "stopped";

export interface PlanRow {
  repo: string;
  issueNumber: number;
  installationId: number;
  state: PlanState;
  run: number;
  requestedBy: string;
  summaryPosted: boolean;
}

export interface PlanItemRow {
  n: number;
  text: string;
  norm: string;
  after: number[];
  status: ItemStatus;
  jobKey: string | null;
  reason: string | null;
  prNumber: number | null;
  prUrl: string | null;
  tokens: { input: number; output: number } | null;
  costUsd: number | null;
}

const key = (repo: string) => repo.toLowerCase();

export async function getPlan(db: Database, repo: string, issueNumber: number): Promise<PlanRow | null> {
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT installation_id, state, run, requested_by, summary_posted FROM ${SCHEMA}.plans WHERE repo = $1 AND issue_number = $2`,
    [key(repo), issueNumber],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    repo: key(repo),
    issueNumber,
    installationId: Number(r.installation_id),
    state: r.state as PlanState,
    run: Number(r.run),
    requestedBy: String(r.requested_by),
    summaryPosted: Boolean(r.summary_posted),
  };
}

/** Starts the plan, or starts it again (run + 1, summary not yet posted) when it had stopped or ended. */
export async function startPlan(
  db: Database,
  p: { repo: string; issueNumber: number; installationId: number; requestedBy: string },
): Promise<PlanRow> {
  await db.query(
    `INSERT INTO ${SCHEMA}.plans (repo, issue_number, installation_id, state, requested_by) VALUES ($1, $2, $3, 'running', $4)
     ON CONFLICT (repo, issue_number) DO UPDATE SET state = 'running', run = ${SCHEMA}.plans.run + 1, summary_posted = false,
       requested_by = EXCLUDED.requested_by, installation_id = EXCLUDED.installation_id, updated_at = now()`,
    [key(p.repo), p.issueNumber, p.installationId, p.requestedBy],
  );
  return (await getPlan(db, p.repo, p.issueNumber))!;
}

export async function setPlanState(
  db: Database,
  repo: string,
  issueNumber: number,
  patch: { state?: PlanState; summaryPosted?: boolean },
): Promise<void> {
  await db.query(
    `UPDATE ${SCHEMA}.plans SET state = COALESCE($3, state), summary_posted = COALESCE($4, summary_posted), updated_at = now()
     WHERE repo = $1 AND issue_number = $2`,
    [key(repo), issueNumber, patch.state ?? null, patch.summaryPosted ?? null],
  );
}

export async function listPlanItems(db: Database, repo: string, issueNumber: number): Promise<PlanItemRow[]> {
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT n, text, norm, after, status, job_key, reason, pr_number, pr_url, input_tokens, output_tokens, cost_usd
     FROM ${SCHEMA}.plan_items WHERE repo = $1 AND issue_number = $2 ORDER BY n`,
    [key(repo), issueNumber],
  );
  return rows.map((r) => ({
    n: Number(r.n),
    text: String(r.text),
    norm: String(r.norm),
    after: ((r.after as unknown[]) ?? []).map(Number),
    status: r.status as ItemStatus,
    jobKey: (r.job_key as string | null) ?? null,
    reason: (r.reason as string | null) ?? null,
    prNumber: r.pr_number == null ? null : Number(r.pr_number),
    prUrl: (r.pr_url as string | null) ?? null,
    tokens: r.input_tokens == null ? null : { input: Number(r.input_tokens), output: Number(r.output_tokens ?? 0) },
    costUsd: r.cost_usd == null ? null : Number(r.cost_usd),
  }));
}

/** A new item, or an item's whole row written again (the coordinator holds the plan's only writer turn). */
export async function saveItem(db: Database, repo: string, issueNumber: number, item: PlanItemRow): Promise<void> {
  await db.query(
    `INSERT INTO ${SCHEMA}.plan_items (repo, issue_number, n, text, norm, after, status, job_key, reason, pr_number, pr_url,
       input_tokens, output_tokens, cost_usd)
     VALUES ($1, $2, $3, $4, $5, $6::integer[], $7, $8, $9, $10, $11, $12, $13, $14)
     ON CONFLICT (repo, issue_number, n) DO UPDATE SET text = EXCLUDED.text, norm = EXCLUDED.norm, after = EXCLUDED.after,
       status = EXCLUDED.status, job_key = EXCLUDED.job_key, reason = EXCLUDED.reason, pr_number = EXCLUDED.pr_number,
       pr_url = EXCLUDED.pr_url, input_tokens = EXCLUDED.input_tokens, output_tokens = EXCLUDED.output_tokens,
       cost_usd = EXCLUDED.cost_usd`,
    [
      key(repo),
      issueNumber,
      item.n,
      item.text,
      item.norm,
      `{${item.after.join(",")}}`,
      item.status,
      item.jobKey,
      item.reason,
      item.prNumber,
      item.prUrl,
      item.tokens?.input ?? null,
      item.tokens?.output ?? null,
      item.costUsd,
    ],
  );
}

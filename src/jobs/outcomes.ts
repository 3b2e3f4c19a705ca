// How the bot's pull requests end: one bot_prs row per PR it opened (migration 10), written when a pipeline opens
// it and moved by pull_request.closed / reopened webhooks and by a revert pushed to the default branch. This is
// what "share of PRs merged" and "cost per merged fix" are measured from (outcome-stats.ts).
import { z } from "zod";
import type { Database } from "./db.js";
import { SCHEMA } from "./migrations.js";

/** What kind of work opened the PR: a fix (issue, command, triage, review round, MCP task), a plan item, a maintenance task. */
export const BOT_PR_KINDS = ["fix", "plan", "maintenance"] as const;
export type BotPrKind = (typeof BOT_PR_KINDS)[number];

const Repo = z
  .string()
  .min(3)
  .max(200)
  .transform((r) => r.toLowerCase());
const Sha = z.string().regex(/^[0-9a-f]{40}$/);

const OpenedSchema = z.object({
  repo: Repo,
  number: z.number().int().positive(),
  jobKey: z.string().min(1).max(500),
  kind: z.enum(BOT_PR_KINDS),
  agent: z.string().min(1).max(40).nullable(),
  headSha: Sha.nullable(),
});

/**
 * A PR the bot opened (or pushed a new round to). The first job to open it keeps the row's job key, kind and
 * opening time; a later round only renews the head. A PR that was closed and is pushed to again stays as it is:
 * only GitHub's events move the state.
 */
export async function recordBotPr(db: Database, pr: z.input<typeof OpenedSchema>): Promise<void> {
  const p = OpenedSchema.parse(pr);
  await db.query(
    `INSERT INTO ${SCHEMA}.bot_prs (repo, number, job_key, kind, agent, head_sha) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (repo, number) DO UPDATE SET head_sha = COALESCE(EXCLUDED.head_sha, ${SCHEMA}.bot_prs.head_sha)`,
    [p.repo, p.number, p.jobKey, p.kind, p.agent, p.headSha],
  );
}

const ClosedSchema = z.object({
  repo: Repo,
  number: z.number().int().positive(),
  merged: z.boolean(),
  closedAt: z.string().datetime({ offset: true }),
  mergedAt: z.string().datetime({ offset: true }).nullable(),
  mergeSha: Sha.nullable(),
});

/** pull_request.closed for a PR in bot_prs: merged or closed, with GitHub's times. False: not one of the bot's. */
export async function markBotPrClosed(db: Database, closed: z.input<typeof ClosedSchema>): Promise<boolean> {
  const c = ClosedSchema.parse(closed);
  const { rows } = await db.query(
    `UPDATE ${SCHEMA}.bot_prs SET state = $3, closed_at = $4::timestamptz, merged_at = $5::timestamptz, merge_sha = $6
     WHERE repo = $1 AND number = $2 RETURNING number`,
    [
      c.repo,
      c.number,
      c.merged ? "merged" : "closed",
      c.closedAt,
      c.merged ? (c.mergedAt ?? c.closedAt) : null,
      c.merged ? c.mergeSha : null,
    ],
  );
  return rows.length > 0;
}

/** pull_request.reopened: open again, its closing forgotten. False: not one of the bot's. */
export async function markBotPrReopened(db: Database, target: { repo: string; number: number }): Promise<boolean> {
  const { rows } = await db.query(
    `UPDATE ${SCHEMA}.bot_prs SET state = 'open', closed_at = NULL, merged_at = NULL, merge_sha = NULL
     WHERE repo = $1 AND number = $2 AND state <> 'open' RETURNING number`,
    [Repo.parse(target.repo), target.number],
  );
  return rows.length > 0;
}

/**
 * Commits on the default branch that revert a merged bot PR's merge commit (GitHub's "Revert" button, or
 * `git revert`): those PRs are marked reverted. Returns the PR numbers marked. One query, whatever the push.
 */
export async function markBotPrsReverted(
  db: Database,
  repo: string,
  reverts: { revertedSha: string; revertSha: string; at: string }[],
): Promise<number[]> {
  if (reverts.length === 0) return [];
  const list = z
    .array(z.object({ revertedSha: Sha, revertSha: Sha, at: z.string().datetime({ offset: true }) }))
    .max(100)
    .parse(reverts.slice(0, 100));
  const { rows } = await db.query<{ number: number }>(
    `UPDATE ${SCHEMA}.bot_prs AS p SET reverted_at = r.at::timestamptz, revert_sha = r.revert_sha
     FROM jsonb_to_recordset($2::jsonb) AS r(reverted_sha text, revert_sha text, at text)
     WHERE p.repo = $1 AND p.state = 'merged' AND p.reverted_at IS NULL
       AND (p.merge_sha = r.reverted_sha OR p.head_sha = r.reverted_sha)
     RETURNING p.number`,
    [Repo.parse(repo), JSON.stringify(list.map((r) => ({ reverted_sha: r.revertedSha, revert_sha: r.revertSha, at: r.at })))],
  );
  return rows.map((r) => Number(r.number));
}

/** One bot PR as stored (for the CLI, the dashboard and tests). */
export interface BotPr {
  repo: string;
  number: number;
  jobKey: string | null;
  kind: string | null;
  agent: string | null;
  headSha: string | null;
  state: "open" | "merged" | "closed";
  openedAt: string;
  closedAt: string | null;
  mergedAt: string | null;
  mergeSha: string | null;
  revertedAt: string | null;
  revertSha: string | null;
}

const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string).toISOString());

export async function getBotPr(db: Database, repo: string, number: number): Promise<BotPr | null> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const { rows } = await db.query<Record<string, any>>(`SELECT * FROM ${SCHEMA}.bot_prs WHERE repo = $1 AND number = $2`, [
    Repo.parse(repo),
    number,
  ]);
  const r = rows[0];
  if (!r) return null;
  return {
    repo: r.repo,
    number: Number(r.number),
    jobKey: r.job_key,
    kind: r.kind,
    agent: r.agent,
    headSha: r.head_sha,
    state: r.state,
    openedAt: iso(r.opened_at)!,
    closedAt: iso(r.closed_at),
    mergedAt: iso(r.merged_at),
    mergeSha: r.merge_sha,
    revertedAt: iso(r.reverted_at),
    revertSha: r.revert_sha,
  };
}

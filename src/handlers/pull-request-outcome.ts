import type { Context } from "probot";
import { z } from "zod";
import { BOT_BRANCH_PREFIX } from "../github/branches.js";
import { markBotPrClosed, markBotPrReopened } from "../jobs/outcomes.js";
import type { HandlerDeps } from "./deps.js";
import { parsePayload } from "./payload.js";

const PullSchema = z.object({
  number: z.number().int().positive(),
  merged: z.boolean().nullable().optional(),
  closed_at: z.string().nullable(),
  merged_at: z.string().nullable().optional(),
  merge_commit_sha: z.string().nullable().optional(),
  user: z.object({ login: z.string(), type: z.string() }).nullable(),
  head: z.object({ ref: z.string(), repo: z.object({ full_name: z.string() }).nullable() }),
  base: z.object({ repo: z.object({ full_name: z.string() }) }),
});
const PayloadSchema = z.object({ repository: z.object({ full_name: z.string() }), pull_request: PullSchema });
type Pull = z.infer<typeof PullSchema>;

/**
 * Whether the PR can be one the bot opened: the App's own user, on a `codex/…` branch of the repository itself.
 * Checked on the payload alone, so that the people's PRs (nearly every closed PR) cost no database query.
 */
function mayBeBots(deps: HandlerDeps, pr: Pull): boolean {
  const author = pr.user;
  if (!author || author.type !== "Bot") return false;
  if (deps.appSlug !== undefined && author.login !== `${deps.appSlug}[bot]`) return false;
  return pr.head.ref.startsWith(BOT_BRANCH_PREFIX) && pr.head.repo?.full_name.toLowerCase() === pr.base.repo.full_name.toLowerCase();
}

/** pull_request.closed: a bot PR ends merged (with its merge commit, which a later revert names) or closed. */
export function onPullRequestClosed(deps: HandlerDeps) {
  return async (context: Context<"pull_request.closed">): Promise<void> => {
    const payload = context.payload as { pull_request?: { user?: { type?: string } } };
    // Cheapest test first: a person's PR is never parsed.
    if (payload.pull_request?.user?.type !== "Bot") return;
    const p = parsePayload(context, PayloadSchema);
    if (!p || !mayBeBots(deps, p.pull_request)) return;
    const pr = p.pull_request;
    const merged = pr.merged === true || !!pr.merged_at;
    const sha = pr.merge_commit_sha && /^[0-9a-f]{40}$/.test(pr.merge_commit_sha) ? pr.merge_commit_sha : null;
    const tracked = await markBotPrClosed(deps.db, {
      repo: p.repository.full_name,
      number: pr.number,
      merged,
      closedAt: pr.closed_at ?? new Date().toISOString(),
      mergedAt: merged ? (pr.merged_at ?? pr.closed_at) : null,
      mergeSha: merged ? sha : null,
    });
    if (tracked) context.log.info({ repo: p.repository.full_name, pr: pr.number, merged }, "bot pull request closed");
  };
}

/** pull_request.reopened: a closed bot PR is open again (a merged PR cannot be reopened). */
export function onPullRequestReopened(deps: HandlerDeps) {
  return async (context: Context<"pull_request.reopened">): Promise<void> => {
    const payload = context.payload as { pull_request?: { user?: { type?: string } } };
    if (payload.pull_request?.user?.type !== "Bot") return;
    const p = parsePayload(context, PayloadSchema);
    if (!p || !mayBeBots(deps, p.pull_request)) return;
    await markBotPrReopened(deps.db, { repo: p.repository.full_name, number: p.pull_request.number });
  };
}

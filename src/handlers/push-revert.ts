import type { Context } from "probot";
import { z } from "zod";
import { markBotPrsReverted } from "../jobs/outcomes.js";
import { revertedShas } from "../jobs/outcomes-revert.js";
import type { HandlerDeps } from "./deps.js";

const PayloadSchema = z.object({
  ref: z.string(),
  after: z.string(),
  repository: z.object({ full_name: z.string(), default_branch: z.string() }),
  commits: z
    .array(z.object({ id: z.string(), message: z.string(), timestamp: z.string().optional() }))
    .max(2048)
    .default([]),
});

/**
 * push: a commit on the default branch in GitHub's revert form (`Revert "…"` / `This reverts commit <sha>.`)
 * marks the bot PR merged as <sha> reverted. Every push to every branch arrives here, so the work is on the
 * payload alone (the ref, then a test of each message) and the database is asked only when a revert is pushed.
 */
export function onPush(deps: HandlerDeps) {
  return async (context: Context<"push">): Promise<void> => {
    const raw = context.payload as { ref?: unknown; repository?: { default_branch?: unknown } };
    if (raw.ref !== `refs/heads/${String(raw.repository?.default_branch)}`) return;
    const parsed = PayloadSchema.safeParse(context.payload);
    if (!parsed.success) return;
    const { repository, commits } = parsed.data;
    const reverts = commits.flatMap((c) =>
      revertedShas(c.message).map((revertedSha) => ({
        revertedSha,
        revertSha: c.id,
        at: c.timestamp && !Number.isNaN(Date.parse(c.timestamp)) ? new Date(c.timestamp).toISOString() : new Date().toISOString(),
      })),
    );
    if (reverts.length === 0) return;
    const marked = await markBotPrsReverted(deps.db, repository.full_name, reverts);
    if (marked.length) context.log.info({ repo: repository.full_name, prs: marked }, "bot pull requests reverted");
  };
}

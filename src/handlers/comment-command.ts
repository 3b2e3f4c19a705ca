import type { Context } from "probot";
import { z } from "zod";
import { stripHidden } from "../text-safety/hidden.js";
import { actorIgnoreReason, permissionAtLeast } from "../commands/authorize.js";
import type { GitHubClient } from "../github/client.js";
import { addReaction } from "../github/comments.js";
import { getCollaboratorPermission } from "../github/permissions.js";
import { parseCommand } from "../commands/parse.js";
import { commandKey } from "../jobs/keys.js";
import { submitJob } from "../jobs/submit.js";
import type { CommandJob } from "../jobs/types.js";
import type { HandlerDeps } from "./deps.js";
import { parsePayload, InstallationSchema, RepositorySchema, SenderSchema, toRepoRef } from "./payload.js";

// The prefix is configurable per repository and the handler has no config: anything that could be a
// slash command (a first line like `/word …`) becomes a command job, which parses it with the real prefix.
const MAYBE_COMMAND = /^\s*\/[a-z0-9-]{1,19}(?=[\s:]|$)/im;

const CommentSchema = z.object({ id: z.number().int(), body: z.string().nullable(), user: SenderSchema });
const Common = { installation: InstallationSchema, repository: RepositorySchema, sender: SenderSchema };
const IssueCommentSchema = z.object({
  action: z.literal("created"),
  ...Common,
  comment: CommentSchema,
  issue: z.object({ number: z.number().int(), pull_request: z.unknown().optional() }),
});
const ReviewCommentSchema = z.object({
  action: z.literal("created"),
  ...Common,
  comment: CommentSchema,
  pull_request: z.object({ number: z.number().int() }),
});

async function enqueueCommand(
  deps: HandlerDeps,
  context: Context,
  job: Omit<CommandJob, "kind" | "key" | "deliveryId" | "acknowledged">,
): Promise<void> {
  const key = commandKey(job.repo.fullName, job.issueNumber, job.commentKind, job.commentId);
  // 👀 within a second of the delivery, even when every worker is busy: a comment in the default `/codex …`
  // form is acknowledged from here (a repository with another prefix gets it when its job runs and knows it).
  const acknowledged = parseCommand(job.body) !== null;
  // Not serialized: `/codex stop` and `/codex status` must answer while the issue's work runs.
  const { enqueued } = await submitJob(
    deps.db,
    deps.queue,
    { kind: "command", key, deliveryId: context.id, acknowledged, ...job },
    {
      meta: { issue: job.issueNumber },
      retryLimit: 2,
      delivery: { guid: context.id, event: context.name, action: "created", repo: job.repo.fullName },
    },
  );
  if (enqueued && acknowledged) acknowledgeNow(context, job);
}

/**
 * Fire and forget: the webhook's answer does not wait for it, and a failed courtesy fails nothing. Only people
 * with write access (the default `commands.permission`) get it here; a refused person never sees 👀.
 */
function acknowledgeNow(context: Context, job: Pick<CommandJob, "repo" | "commentId" | "commentKind" | "sender">): void {
  const { owner, name: repo } = job.repo;
  const react = async () => {
    const gh = context.octokit as unknown as GitHubClient;
    const permission = await getCollaboratorPermission(gh, { owner, repo, username: job.sender.login });
    if (!permissionAtLeast(permission, "write")) return;
    await addReaction(
      gh,
      job.commentKind === "review"
        ? { owner, repo, reviewCommentId: job.commentId, content: "eyes" }
        : { owner, repo, commentId: job.commentId, content: "eyes" },
    );
  };
  void react().catch((err: unknown) => context.log.warn({ err: (err as Error).message, comment: job.commentId }, "👀 reaction failed"));
}

function ignored(
  deps: HandlerDeps,
  body: string | null,
  sender: { login: string; type: string },
  author: { login: string; type: string },
): boolean {
  // Bots and the App itself never start work: two bots answering each other never stop.
  if (actorIgnoreReason(sender, deps.appSlug) || actorIgnoreReason(author, deps.appSlug)) return true;
  return !MAYBE_COMMAND.test(stripHidden(body ?? ""));
}

/** issue_comment.created on issues and PRs. Edited comments are ignored: only `created` is subscribed. */
export function onIssueComment(deps: HandlerDeps) {
  return async (context: Context<"issue_comment.created">): Promise<void> => {
    const data = parsePayload(context, IssueCommentSchema);
    if (!data) return;
    const { comment, issue, repository, installation, sender } = data;
    if (ignored(deps, comment.body, sender, comment.user)) return;
    await enqueueCommand(deps, context as unknown as Context, {
      installationId: installation.id,
      repo: toRepoRef(repository),
      sender,
      issueNumber: issue.number,
      isPullRequest: issue.pull_request !== undefined,
      commentId: comment.id,
      commentKind: "issue",
      body: comment.body ?? "",
    });
  };
}

/** pull_request_review_comment.created: a `/codex …` on a line of a PR's diff. */
export function onReviewComment(deps: HandlerDeps) {
  return async (context: Context<"pull_request_review_comment.created">): Promise<void> => {
    const data = parsePayload(context, ReviewCommentSchema);
    if (!data) return;
    const { comment, pull_request: pr, repository, installation, sender } = data;
    if (ignored(deps, comment.body, sender, comment.user)) return;
    await enqueueCommand(deps, context as unknown as Context, {
      installationId: installation.id,
      repo: toRepoRef(repository),
      sender,
      issueNumber: pr.number,
      isPullRequest: true,
      commentId: comment.id,
      commentKind: "review",
      body: comment.body ?? "",
    });
  };
}

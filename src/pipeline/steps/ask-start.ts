import type { Logger } from "probot";
import { CONFIG_PATH, type RepoConfig } from "../../config/repo-config.js";
import type { GitHubClient } from "../../github/client.js";
import type { AskJob } from "../../jobs/types.js";
import type { JobContext } from "../../jobs/worker/job-context.js";
import { loadRepoConfig } from "./load-config.js";
import { Conversation } from "./conversation.js";
import type { PipelineDeps } from "../deps.js";
import { sanitizeMarkdownLine } from "../../text-safety/markdown.js";

export interface AskStart {
  gh: GitHubClient;
  log: Logger;
  talk: Conversation;
  /** null when the repository's config is invalid: the person was told, and nothing runs. */
  config: RepoConfig | null;
}

/**
 * The common start of `/codex explain`, `/codex review` and `/codex plan <goal>`: the conversation on the issue or PR (the command
 * job already checked the permission and added 👀), and the config read from the default branch, so a pull
 * request cannot change how the bot treats it.
 */
export async function startAsk(
  deps: PipelineDeps,
  // The fields every read-only answer job has (explain, review, and the planner's plan-write).
  job: Pick<AskJob, "installationId" | "key" | "repo" | "issueNumber" | "commentId" | "commentKind" | "config">,
  ctx: JobContext,
): Promise<AskStart> {
  const gh = await deps.github(job.installationId);
  // Bound to the job's key and kind by pipelineHandlers (run-job.ts).
  const log = deps.log;
  const talk = new Conversation({
    deps,
    gh,
    repo: job.repo,
    issueNumber: job.issueNumber,
    jobKey: job.key,
    commentId: job.commentId ?? undefined,
    commentKind: job.commentKind,
    onError: (err) => log.warn({ err }, "progress update failed"),
  });
  await ctx.setPhase("config");
  const parsed = await loadRepoConfig(gh, job.repo, job.config);
  if (!parsed.ok) {
    const errors = parsed.errors.map((e) => `- ${sanitizeMarkdownLine(e.slice(0, 500), {})}`).join("\n");
    await talk.finish(false, `Codex did not start: \`${CONFIG_PATH}\` on the default branch is not valid.\n\n${errors}`);
    return { gh, log, talk, config: null };
  }
  return { gh, log, talk, config: parsed.config };
}

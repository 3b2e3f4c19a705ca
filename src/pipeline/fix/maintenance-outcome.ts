import type { GitHubClient } from "../../github/client.js";
import { closePullRequest } from "../../github/close-pull-request.js";
import { replaceBotBranch } from "../../github/maintenance-branch.js";
import { getPullRequest } from "../../github/pulls.js";
import type { FixJob } from "../../jobs/types.js";
import type { JobResult } from "../../jobs/worker/job-context.js";
import { codeLine } from "../../text-safety/inline.js";
import type { Conversation } from "../steps/conversation.js";
import type { MaintenanceRun } from "./maintenance-target.js";
import type { PublishOptions } from "./publish.js";
import type { FixTarget } from "./target.js";

/**
 * How a maintenance run's commit lands: on top of the living PR's head (commitChanges, the default), or, when
 * there is no open PR or the default branch moved, as a new commit on the default head that replaces the
 * branch (compare-and-swap on the head read at the start). Its PR is always linked by URL: no issue holds it.
 */
export function maintenancePublishing(gh: GitHubClient, job: FixJob, target: FixTarget, run: MaintenanceRun): PublishOptions {
  if (run.mode === "continue") return { linkUrl: true };
  return {
    linkUrl: true,
    commit: ({ message, changes }) =>
      replaceBotBranch(gh, {
        owner: job.repo.owner,
        repo: job.repo.name,
        branch: target.branch,
        baseSha: target.baseSha,
        message,
        changes,
        expectedHead: run.branchHead,
      }),
  };
}

/**
 * The agent changed nothing. With the worktree at the default head (a fresh run, or a rebuild after the default
 * branch moved), the default branch needs nothing from this task: an open PR is closed, saying why. Continuing
 * an open PR, an empty run only means the PR already holds everything: it stays, unless it no longer changes
 * anything against the default branch (its changes landed there another way).
 */
export async function maintenanceNoChange(
  gh: GitHubClient,
  job: FixJob,
  run: MaintenanceRun,
  talk: Conversation,
  tokens: { input: number; output: number },
): Promise<JobResult> {
  const { owner, name: repo, defaultBranch } = job.repo;
  const task = run.task.name;
  if (run.openPr === null) return { outcome: "no-change", tokens };
  const pr = await getPullRequest(gh, { owner, repo, number: run.openPr });
  const links = { pr: pr.htmlUrl };
  const needless = run.mode === "replace" || run.prChangesNothing === true;
  if (!needless) {
    await talk.finish(true, `The maintenance task \`${task}\` found nothing to add this run: this pull request already holds its changes.`);
    return { outcome: "no-change", tokens, links };
  }
  await talk.finish(
    true,
    `Closing: no longer needed. The default branch ${codeLine(defaultBranch)} (at \`${run.defaultHead.slice(0, 7)}\`) already does what the maintenance task \`${task}\` asks; a later run opens a new pull request if that changes.`,
  );
  if (pr.state === "open") await closePullRequest(gh, { owner, repo, number: pr.number });
  return { outcome: "no-change", tokens, links: { ...links, closed: pr.htmlUrl } };
}

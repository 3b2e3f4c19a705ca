import type { AgentBackend } from "../../agent/agent.js";
import type { GitHubClient } from "../../github/client.js";
import { addLabels, findOrCreateDraftPullRequest, requestReviewers } from "../../github/fix-pull-request.js";
import { BranchMovedError, commitChanges, RefusedBranchError, type CommitChange } from "../../github/git-commit.js";
import { toCommitChanges } from "../../github/tree-changes.js";
import { postComment } from "../../github/comments.js";
import { recordBotPr } from "../../jobs/outcomes.js";
import type { FixJob } from "../../jobs/types.js";
import type { JobResult } from "../../jobs/worker/job-context.js";
import type { Change } from "../../workspace/diff.js";
import type { RepoConfig } from "../../config/repo-config.js";
import { sanitizeMarkdown } from "../../text-safety/markdown.js";
import type { Conversation } from "../steps/conversation.js";
import type { PipelineDeps } from "../deps.js";
import { requestSecondOpinion } from "./second-opinion.js";
import type { FixTarget } from "./target.js";

/** What a checked change becomes on GitHub: the commit's title line and the pull request's body. */
export interface FixPublication {
  changes: Change[];
  title: string;
  body: string;
  tokens: { input: number; output: number };
  /** The agent that wrote the change: fix.second_opinion asks the other one, and a round it asks for is this one's. */
  author?: AgentBackend;
  /** The structured result stored in the job record (task-result.ts): what an MCP caller reads. */
  result?: Record<string, unknown>;
}

/** How the commit lands on the branch when it is not commitChanges' forward-only push (maintenance rebuilds). */
export interface PublishOptions {
  commit?: (p: { message: string; changes: CommitChange[] }) => Promise<{ commitSha: string }>;
  /** Link the PR by its URL even when it already existed (no issue holds the link: maintenance). */
  linkUrl?: boolean;
}

/**
 * Commits the change on the bot's branch through the API (never over a person's commits), opens the draft
 * pull request or renews the existing one's body, and says where it went.
 */
export async function publishFix(
  deps: PipelineDeps,
  gh: GitHubClient,
  job: FixJob,
  target: FixTarget,
  talk: Conversation,
  { changes, title, body, tokens, author, result }: FixPublication,
  fixConfig: RepoConfig["fix"],
  how: PublishOptions = {},
): Promise<JobResult> {
  const { owner, name: repo } = job.repo;
  const commitList = toCommitChanges(changes);
  const message = `${title}\n\nDrafted by ${author === "claude" ? "Claude" : "Codex"} for ${target.describe}.${target.closes ? `\n\nFixes #${target.closes}` : ""}`;
  let commitSha: string;
  try {
    ({ commitSha } = how.commit
      ? await how.commit({ message, changes: commitList })
      : await commitChanges(gh, {
          owner,
          repo,
          branch: target.branch,
          baseSha: target.baseSha,
          message,
          changes: commitList,
          expectedHead: target.expectedHead,
          appSlug: deps.env.APP_SLUG,
        }));
  } catch (err) {
    if (err instanceof BranchMovedError || err instanceof RefusedBranchError) {
      const why =
        err instanceof BranchMovedError
          ? `someone else pushed to \`${target.branch}\`, and the bot never overwrites a person's commits`
          : err.message;
      await talk.finish(false, `Codex stopped without pushing: ${sanitizeMarkdown(why, { webBaseUrl: deps.webBaseUrl })}.`);
      return { outcome: err instanceof BranchMovedError ? "branch-moved" : "branch-refused", tokens };
    }
    throw err;
  }

  // Every round renews the PR's body, so its hand-off block always shows this round's files and verdicts; an
  // existing PR keeps the title people may have edited.
  const pr = await findOrCreateDraftPullRequest(gh, {
    owner,
    repo,
    head: target.branch,
    base: target.prBase,
    title,
    body,
    keepTitle: target.existingPr !== null,
  });
  const prNumber = pr.number;
  const created = pr.created;
  // Outcome tracking (jobs/outcomes.ts): the PR's merge or close later counts for this job, kind and agent.
  // Losing the row loses a data point, never the pushed fix.
  await recordBotPr(deps.db, {
    repo: job.repo.fullName,
    number: prNumber,
    jobKey: job.key,
    kind: job.origin.type === "maintenance" || job.origin.type === "plan" ? job.origin.type : "fix",
    agent: author ?? null,
    headSha: /^[0-9a-f]{40}$/.test(commitSha) ? commitSha : null,
  }).catch((err: unknown) => deps.log.warn({ err, job: job.key }, "bot pull request not recorded"));
  const prUrl = created ? pr.htmlUrl : "";
  if (created) {
    if (fixConfig.labels.length) await addLabels(gh, { owner, repo, issueNumber: pr.number, labels: fixConfig.labels });
    if (fixConfig.reviewers.length || fixConfig.team_reviewers.length) {
      await requestReviewers(gh, {
        owner,
        repo,
        number: pr.number,
        reviewers: fixConfig.reviewers,
        teamReviewers: fixConfig.team_reviewers,
      });
    }
    // The mention asks a reviewing agent to look; once per PR, not on every retry.
    if (fixConfig.mention) await postComment(gh, { owner, repo, issueNumber: pr.number, body: fixConfig.mention });
  }
  const where = prUrl ? `#${prNumber}` : `a new commit on #${prNumber}`;
  await talk.finish(
    true,
    `Codex drafted ${where} for ${target.describe} (\`${commitSha.slice(0, 7)}\` on \`${target.branch}\`). A person reviews it before anything is merged.`,
  );
  // The push is done and said: a second opinion that cannot be queued is logged, never a failed fix.
  await requestSecondOpinion(deps, job, fixConfig, { number: prNumber, branch: target.branch, headSha: commitSha, author }).catch(
    (err: unknown) => deps.log.warn({ err, job: job.key }, "second opinion not queued"),
  );
  return {
    outcome: created ? `pr-opened #${prNumber}` : `pushed to #${prNumber}`,
    tokens,
    links: { pr: prUrl || (how.linkUrl ? pr.htmlUrl : `#${prNumber}`), commit: commitSha },
    ...(result ? { result: { ...result, pr_url: pr.htmlUrl, commit: commitSha } } : {}),
  };
}

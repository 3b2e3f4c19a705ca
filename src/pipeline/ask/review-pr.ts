import type { Logger } from "probot";
import type { AgentEvent } from "../../agent/agent.js";
import { parseReviewReport, reviewReportJsonSchema, type ReviewReport } from "../../agent/review-report.js";
import { buildReviewPrompt } from "../../agent/prompts/review.js";
import type { RepoConfig } from "../../config/repo-config.js";
import { getBranchHead } from "../../github/branches.js";
import type { GitHubClient } from "../../github/client.js";
import { getIssue } from "../../github/issues.js";
import { postPullRequestReview, type PostedReview } from "../../github/pull-review.js";
import { getPullRequest } from "../../github/pulls.js";
import type { RepoRef } from "../../jobs/types.js";
import type { JobTokens } from "../../jobs/records.js";
import type { JobContext } from "../../jobs/worker/job-context.js";
import { codeLine } from "../../text-safety/inline.js";
import { agentStep } from "../steps/agent-step.js";
import type { AgentChoice } from "../steps/agent-choice.js";
import { withCheckout } from "../steps/checkout.js";
import { checkoutFiles } from "../steps/checkout-files.js";
import type { AgentSpend } from "../steps/spend.js";
import { refuseUntrustedCode } from "../steps/untrusted-code.js";
import type { PipelineDeps } from "../deps.js";
import { diffLines } from "./diff-lines.js";
import { askFailureText } from "../steps/ask-failure.js";
import { planReviewComments, renderReviewBody, type ReviewPlan } from "./review-render.js";

export interface ReviewRequest {
  job: { key: string; repo: RepoRef; installationId: number };
  config: RepoConfig;
  prNumber: number;
  /** The requester's focus for the review ("" for none). */
  focus: string;
  /** A choice made by the caller (a second opinion names its agent); absent: agent.routing.review decides. */
  pick?: AgentChoice;
  /** Markdown above the review's summary (a second opinion says whose and why); absent: "### Codex review". */
  heading?: string;
  /** The agent is about to start in this checkout (the conversation's progress checklist). */
  onStart?: (worktreePath: string) => Promise<void>;
  onEvent?: (event: AgentEvent) => void;
}

export type ReviewResult =
  | { ok: false; text: string; outcome: string; tokens?: JobTokens }
  | { ok: true; report: ReviewReport; plan: ReviewPlan; posted: PostedReview; headSha: string; tokens: JobTokens; spend: AgentSpend };

/**
 * One review of a pull request, shared by `/codex review` and fix.second_opinion: the agent reads the diff in a
 * read-only checkout of the head, and the bot posts its findings as one PR review (always a plain COMMENT) with
 * comments on lines. Says in `text` why it did not, when it did not.
 */
export async function reviewPullRequest(
  deps: PipelineDeps,
  ctx: JobContext,
  gh: GitHubClient,
  log: Logger,
  req: ReviewRequest,
): Promise<ReviewResult> {
  const started = Date.now();
  const { job, config, prNumber } = req;
  const { owner, name: repo } = job.repo;
  await ctx.setPhase("gather");
  const pr = await getPullRequest(gh, { owner, repo, number: prNumber });
  const refusal = await refuseUntrustedCode(deps, gh, job.repo, [pr], false);
  if (refusal) return { ok: false, text: refusal, outcome: "refused: untrusted code without isolation" };
  const issue = await getIssue(gh, { owner, repo, number: prNumber });
  // The base branch as it is now: `git diff base...head` then shows what GitHub's "Files changed" shows.
  const baseSha = await getBranchHead(gh, { owner, repo, branch: pr.baseRef });
  if (!baseSha)
    return {
      ok: false,
      text: `Codex did not start: the base branch ${codeLine(pr.baseRef)} was not found.`,
      outcome: "refused: no base branch",
    };
  const headSha = pr.headSha;

  return withCheckout(
    deps,
    ctx,
    gh,
    log,
    { repo: job.repo, sha: headSha, want: [baseSha] },
    async (worktree, jobDir, _mirror, instructions) => {
      await ctx.setPhase("agent");
      await req.onStart?.(worktree.path);
      const { run, tokens, timeoutMs, spend } = await agentStep(
        deps,
        { config, ctx, log, job: { ...job, kind: "review" } },
        {
          cwd: worktree.path,
          prompt: buildReviewPrompt({
            repoFullName: job.repo.fullName,
            number: prNumber,
            title: issue.title,
            body: issue.body,
            baseSha,
            headSha,
            focus: req.focus,
          }),
          sandbox: "read-only",
          instructions,
          outputSchema: reviewReportJsonSchema(),
          jobDir: jobDir.dir,
          onEvent: req.onEvent,
        },
        req.pick,
      );

      await ctx.setPhase("publish");
      const parsed = run.outcome === "completed" && !ctx.cancelled() ? parseReviewReport(run.finalMessage) : null;
      if (!parsed?.ok) {
        const text = askFailureText(ctx, run, parsed && !parsed.ok ? parsed.error : null, timeoutMs, `review #${prNumber}`, spend);
        return { ok: false, text, outcome: parsed ? "agent-failed: invalid answer" : `agent-failed: ${run.outcome}`, tokens };
      }
      const report = parsed.report;
      const plan = planReviewComments(
        report,
        checkoutFiles(worktree.path),
        await diffLines(worktree.path, baseSha, headSha),
        deps.webBaseUrl,
      );
      const body = renderReviewBody(report, plan, {
        headSha,
        baseRef: pr.baseRef,
        spend,
        durationMs: Date.now() - started,
        webBaseUrl: deps.webBaseUrl,
        heading: req.heading,
      });
      const posted = await postPullRequestReview(gh, { owner, repo, number: prNumber, commitId: headSha, body, comments: plan.inline });
      return { ok: true, report, plan, posted, headSha, tokens, spend };
    },
  );
}

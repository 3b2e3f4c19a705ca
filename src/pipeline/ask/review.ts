import { parseReviewReport, reviewReportJsonSchema } from "../../agent/review-report.js";
import { buildReviewPrompt } from "../../agent/prompts/review.js";
import { getBranchHead } from "../../github/branches.js";
import { getIssue } from "../../github/issues.js";
import { postPullRequestReview } from "../../github/pull-review.js";
import { getPullRequest } from "../../github/pulls.js";
import type { AskJob } from "../../jobs/types.js";
import type { JobContext } from "../../jobs/worker/job-context.js";
import { codeLine, shorten } from "../../text-safety/inline.js";
import { sanitizeMarkdown } from "../../text-safety/markdown.js";
import { agentStep } from "../steps/agent-step.js";
import { withCheckout } from "../steps/checkout.js";
import { diffLines } from "./diff-lines.js";
import { askFailureText, endConversationOnError } from "./failure.js";
import { checkoutFiles } from "../steps/checkout-files.js";
import { planReviewComments, renderReviewBody, VERDICT_TEXT } from "./review-render.js";
import { startAsk } from "./start.js";
import { refuseUntrustedCode } from "../steps/untrusted-code.js";
import type { PipelineDeps } from "../deps.js";
import type { JobResult } from "../../jobs/worker/job-context.js";

/**
 * `/codex review`: a second opinion on a pull request. Codex reads the diff in a read-only checkout of the
 * head; the bot posts its findings as one PR review (always a plain COMMENT) with comments on lines.
 */
export async function runReview(deps: PipelineDeps, job: AskJob, ctx: JobContext): Promise<JobResult> {
  const started = Date.now();
  const { owner, name: repo } = job.repo;
  const { gh, log, talk, config } = await startAsk(deps, job, ctx);
  if (!config) return { outcome: "invalid-config" };
  if (!job.isPullRequest) {
    await talk.finish(false, "`/codex review` works on pull requests; this is an issue.");
    return { outcome: "refused: not a pull request" };
  }

  return endConversationOnError(ctx, talk, async () => {
    await ctx.setPhase("gather");
    const pr = await getPullRequest(gh, { owner, repo, number: job.issueNumber });
    const refusal = await refuseUntrustedCode(deps, gh, job.repo, [pr], false);
    if (refusal) {
      await talk.finish(false, refusal);
      return { outcome: "refused: untrusted code without isolation" };
    }
    const issue = await getIssue(gh, { owner, repo, number: job.issueNumber });
    // The base branch as it is now: `git diff base...head` then shows what GitHub's "Files changed" shows.
    const baseSha = await getBranchHead(gh, { owner, repo, branch: pr.baseRef });
    if (!baseSha) {
      await talk.finish(false, `Codex did not start: the base branch ${codeLine(pr.baseRef)} was not found.`);
      return { outcome: "refused: no base branch" };
    }
    const headSha = pr.headSha;

    return withCheckout(
      deps,
      ctx,
      gh,
      log,
      { repo: job.repo, sha: headSha, want: [baseSha] },
      async (worktree, jobDir, _mirror, instructions) => {
        await ctx.setPhase("agent");
        await talk.start(`Codex review of #${job.issueNumber}`, worktree.path);
        const { run, tokens, timeoutMs, spend } = await agentStep(
          deps,
          { config, ctx, log, job },
          {
            cwd: worktree.path,
            prompt: buildReviewPrompt({
              repoFullName: job.repo.fullName,
              number: job.issueNumber,
              title: issue.title,
              body: issue.body,
              baseSha,
              headSha,
              focus: job.question,
            }),
            sandbox: "read-only",
            instructions,
            outputSchema: reviewReportJsonSchema(),
            jobDir: jobDir.dir,
            onEvent: talk.onEvent,
          },
        );

        await ctx.setPhase("publish");
        const parsed = run.outcome === "completed" && !ctx.cancelled() ? parseReviewReport(run.finalMessage) : null;
        if (!parsed?.ok) {
          await talk.finish(
            false,
            askFailureText(ctx, run, parsed && !parsed.ok ? parsed.error : null, timeoutMs, `review #${job.issueNumber}`),
          );
          return { outcome: parsed ? "agent-failed: invalid answer" : `agent-failed: ${run.outcome}`, tokens };
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
        });
        const posted = await postPullRequestReview(gh, {
          owner,
          repo,
          number: job.issueNumber,
          commitId: headSha,
          body,
          comments: plan.inline,
        });
        const placed = posted.inline === 1 ? "1 comment on a line" : `${posted.inline} comments on lines`;
        await talk.finish(
          true,
          [
            `Codex reviewed ${headSha.slice(0, 7)}: [the review](${posted.htmlUrl}), ${placed}. ${VERDICT_TEXT[report.verdict]}`,
            "",
            shorten(sanitizeMarkdown(report.summary.trim(), { webBaseUrl: deps.webBaseUrl }), 1_500),
          ].join("\n"),
        );
        return { outcome: `reviewed: ${report.verdict}`, tokens, links: { review: posted.htmlUrl } };
      },
    );
  });
}

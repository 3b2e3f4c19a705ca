import type { AskJob } from "../../jobs/types.js";
import type { JobContext, JobResult } from "../../jobs/worker/job-context.js";
import { shorten } from "../../text-safety/inline.js";
import { sanitizeMarkdown } from "../../text-safety/markdown.js";
import { endConversationOnError } from "../steps/ask-failure.js";
import { reviewPullRequest } from "./review-pr.js";
import { VERDICT_TEXT } from "./review-render.js";
import { startAsk } from "../steps/ask-start.js";
import type { PipelineDeps } from "../deps.js";

/**
 * `/codex review`: a second opinion on a pull request. Codex reads the diff in a read-only checkout of the
 * head; the bot posts its findings as one PR review (always a plain COMMENT) with comments on lines
 * (review-pr.ts, shared with fix.second_opinion), and answers on the command's conversation.
 */
export async function runReview(deps: PipelineDeps, job: AskJob, ctx: JobContext): Promise<JobResult> {
  const { gh, log, talk, config } = await startAsk(deps, job, ctx);
  if (!config) return { outcome: "invalid-config" };
  const prNumber = job.isPullRequest ? job.issueNumber : null;
  if (prNumber === null) {
    await talk.finish(false, "`/codex review` works on pull requests; this is an issue.");
    return { outcome: "refused: not a pull request" };
  }

  return endConversationOnError(ctx, talk, async () => {
    const result = await reviewPullRequest(deps, ctx, gh, log, {
      job,
      config,
      prNumber,
      focus: job.question,
      onStart: (root) => talk.start(`Codex review of #${prNumber}`, root),
      onEvent: talk.onEvent,
    });
    if (!result.ok) {
      await talk.finish(false, result.text);
      return { outcome: result.outcome, ...(result.tokens ? { tokens: result.tokens } : {}) };
    }
    const { report, posted, headSha, tokens } = result;
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
  });
}

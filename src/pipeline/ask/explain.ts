import { explainReportJsonSchema, parseExplainReport } from "../../agent/explain-report.js";
import { buildExplainPrompt } from "../../agent/prompts/explain.js";
import { getBranchHead } from "../../github/branches.js";
import { getIssue } from "../../github/issues.js";
import { getPullRequest } from "../../github/pulls.js";
import type { AskJob } from "../../jobs/types.js";
import type { JobContext } from "../../jobs/worker/job-context.js";
import { agentStep } from "../steps/agent-step.js";
import { withCheckout } from "../steps/checkout.js";
import { citedShas, renderExplainAnswer } from "./explain-render.js";
import { commitsInHistory } from "../../workspace/history-commits.js";
import { askFailureText, endConversationOnError } from "../steps/ask-failure.js";
import { checkoutFiles } from "../steps/checkout-files.js";
import { startAsk } from "../steps/ask-start.js";
import { cleanResult } from "../steps/clean-result.js";
import { refuseUntrustedCode } from "../steps/untrusted-code.js";
import type { PipelineDeps } from "../deps.js";
import { codeLine } from "../../text-safety/inline.js";
import type { JobResult } from "../../jobs/worker/job-context.js";

/**
 * `/codex explain <question>`: Codex reads the code (read-only sandbox) and answers; the answer, with
 * `file:line` links into the commit it read, becomes the final state of the job's one sticky comment.
 */
export async function runExplain(deps: PipelineDeps, job: AskJob, ctx: JobContext): Promise<JobResult> {
  const started = Date.now();
  const { owner, name: repo } = job.repo;
  const { gh, log, talk, config } = await startAsk(deps, job, ctx);
  if (!config) return { outcome: "invalid-config" };
  const question = job.question.trim();
  if (!question) {
    await talk.finish(false, "`/codex explain` needs a question, for example `/codex explain where are retries configured?`");
    return { outcome: "refused: no question" };
  }

  return endConversationOnError(ctx, talk, async () => {
    await ctx.setPhase("gather");
    // An MCP question has no issue: it is about the default branch, and its answer is stored, not posted.
    const number = job.issueNumber;
    const issue = number === null ? null : await getIssue(gh, { owner, repo, number });
    // A PR is explained as its head has it; an issue as the default branch has it now.
    const pr = job.isPullRequest && number !== null ? await getPullRequest(gh, { owner, repo, number }) : null;
    const refusal = pr ? await refuseUntrustedCode(deps, gh, job.repo, [pr], false) : null;
    if (refusal) {
      await talk.finish(false, refusal);
      return { outcome: "refused: untrusted code without isolation" };
    }
    const sha = pr ? pr.headSha : await getBranchHead(gh, { owner, repo, branch: job.repo.defaultBranch });
    if (!sha) {
      await talk.finish(false, `Codex did not start: the default branch ${codeLine(job.repo.defaultBranch)} was not found.`);
      return { outcome: "refused: no default branch" };
    }

    return withCheckout(deps, ctx, gh, log, { repo: job.repo, sha, want: [] }, async (worktree, jobDir, mirror, instructions) => {
      await ctx.setPhase("agent");
      await talk.start("Codex explain", worktree.path);
      const { run, tokens, timeoutMs, spend } = await agentStep(
        deps,
        { config, ctx, log, job },
        {
          cwd: worktree.path,
          prompt: buildExplainPrompt({
            repoFullName: job.repo.fullName,
            question,
            sha,
            target: issue && { kind: pr ? "pr" : "issue", number: issue.number, title: issue.title, body: issue.body },
          }),
          sandbox: "read-only",
          instructions,
          outputSchema: explainReportJsonSchema(),
          jobDir: jobDir.dir,
          onEvent: talk.onEvent,
        },
      );

      await ctx.setPhase("publish");
      const parsed = run.outcome === "completed" && !ctx.cancelled() ? parseExplainReport(run.finalMessage) : null;
      if (!parsed?.ok) {
        await talk.finish(
          false,
          askFailureText(ctx, run, parsed && !parsed.ok ? parsed.error : null, timeoutMs, "answer this question", spend),
        );
        return { outcome: parsed ? "agent-failed: invalid answer" : `agent-failed: ${run.outcome}`, tokens };
      }
      const answer = renderExplainAnswer(parsed.report, {
        webBaseUrl: deps.webBaseUrl,
        repoFullName: job.repo.fullName,
        sha,
        files: checkoutFiles(worktree.path),
        commits: await commitsInHistory(mirror, sha, citedShas(parsed.report)),
        spend,
        durationMs: Date.now() - started,
      });
      await talk.finish(true, answer);
      return { outcome: "answered", tokens, result: cleanResult({ answer: parsed.report, markdown: answer, sha }) };
    });
  });
}

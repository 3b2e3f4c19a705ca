import { parsePlanReport, planReportJsonSchema } from "../../agent/plan-report.js";
import { buildPlanPrompt } from "../../agent/prompts/plan.js";
import { getBranchHead } from "../../github/branches.js";
import { getIssue, updateIssueBody } from "../../github/issues.js";
import type { PlanWriteJob } from "../../jobs/types.js";
import type { JobContext, JobResult } from "../../jobs/worker/job-context.js";
import { codeLine } from "../../text-safety/inline.js";
import { askFailureText, endConversationOnError } from "../steps/ask-failure.js";
import { startAsk } from "../steps/ask-start.js";
import type { PipelineDeps } from "../deps.js";
import { agentStep } from "../steps/agent-step.js";
import { withCheckout } from "../steps/checkout.js";
import { formatDuration } from "../steps/format.js";
import { agentName, spendLine } from "../steps/spend.js";
import { putPlanSection, renderPlanSection } from "./plan-section.js";
import { choosePlanner } from "./planner.js";

/**
 * `/codex plan <goal>`: the planner (plan.planner) reads the default branch's code in a read-only sandbox and
 * answers with a list of items; the bot writes them into the issue body as the plan section (plan-section.ts)
 * and says once that the plan awaits approval. Nothing else is queued: the plan runner starts on `/codex go` or
 * the ticked approval box.
 */
export async function runPlanWrite(deps: PipelineDeps, job: PlanWriteJob, ctx: JobContext): Promise<JobResult> {
  const started = Date.now();
  const { owner, name: repo } = job.repo;
  const { gh, log, talk, config } = await startAsk(deps, job, ctx);
  if (!config) return { outcome: "invalid-config" };
  const prefix = config.commands.prefix;
  if (job.isPullRequest) {
    await talk.finish(false, `\`${prefix} plan <goal>\` writes a plan into an issue; ask on an issue.`);
    return { outcome: "refused: plan on a pull request" };
  }
  const planner = choosePlanner(config, deps.env);
  if (!planner.ok) {
    await talk.finish(false, `No plan was written: ${planner.reason}`);
    return { outcome: "refused: no planner" };
  }

  return endConversationOnError(ctx, talk, async () => {
    await ctx.setPhase("gather");
    const issue = await getIssue(gh, { owner, repo, number: job.issueNumber });
    const sha = await getBranchHead(gh, { owner, repo, branch: job.repo.defaultBranch });
    if (!sha) {
      await talk.finish(false, `No plan was written: the default branch ${codeLine(job.repo.defaultBranch)} was not found.`);
      return { outcome: "refused: no default branch" };
    }

    return withCheckout(deps, ctx, gh, log, { repo: job.repo, sha, want: [] }, async (worktree, jobDir, _mirror, instructions) => {
      await ctx.setPhase("agent");
      await talk.start(`${agentName(planner.choice.backend)} plan`, worktree.path);
      const maxItems = config.plan.max_items;
      const { run, tokens, timeoutMs, spend } = await agentStep(
        deps,
        { config, ctx, log, job: { ...job, kind: "plan" } },
        {
          cwd: worktree.path,
          prompt: buildPlanPrompt({
            repoFullName: job.repo.fullName,
            goal: job.goal,
            sha,
            maxItems,
            issue: { number: issue.number, title: issue.title, body: issue.body },
          }),
          sandbox: "read-only",
          instructions,
          outputSchema: planReportJsonSchema(maxItems),
          jobDir: jobDir.dir,
          onEvent: talk.onEvent,
        },
        planner.choice,
      );

      await ctx.setPhase("publish");
      const parsed = run.outcome === "completed" && !ctx.cancelled() ? parsePlanReport(run.finalMessage, maxItems) : null;
      if (!parsed?.ok) {
        const why = parsed && !parsed.ok ? parsed.error : null;
        await talk.finish(false, askFailureText(ctx, run, why, timeoutMs, "write a plan", spend));
        return { outcome: parsed ? "agent-failed: invalid plan" : `agent-failed: ${run.outcome}`, tokens };
      }

      // The body as it is now, not as the agent saw it: an edit made while the planner worked is kept.
      const fresh = await getIssue(gh, { owner, repo, number: job.issueNumber });
      const put = putPlanSection(fresh.body, renderPlanSection(job.goal, parsed.report.items));
      if (!put.ok) {
        await talk.finish(false, `No plan was written: ${put.reason}.\n\n<sub>${spendLine(spend)}</sub>`);
        return { outcome: "refused: body", tokens };
      }
      await updateIssueBody(gh, { owner, repo, number: job.issueNumber, body: put.body, previous: fresh.body });

      const n = parsed.report.items.length;
      const summary = [
        `Plan written into the issue: ${n} item${n === 1 ? "" : "s"}${replacedNote(put)}.`,
        `The plan awaits approval: nothing runs until a writer comments \`${prefix} go\` or ticks **Run this plan**. Edit the list first if you like.`,
        "",
        `<sub>${spendLine(spend)} · read ${sha.slice(0, 7)} · ${formatDuration(Date.now() - started)}</sub>`,
      ].join("\n");
      await talk.finish(true, summary);
      return { outcome: put.replaced ? "plan replaced" : "plan written", tokens };
    });
  });
}

/** A second `/codex plan` rewrites the section; ticked boxes in the old one may be work that already started. */
function replacedNote(put: { replaced: boolean; ticked: number }): string {
  if (!put.replaced) return "";
  if (!put.ticked) return ", replacing the plan that was there";
  return `, replacing the plan that was there (it had ${put.ticked} ticked box${put.ticked === 1 ? "" : "es"}: work that already started is not stopped by this)`;
}

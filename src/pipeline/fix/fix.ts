import { fixReportJsonSchema, parseFixReport } from "../../agent/fix-report.js";
import { buildFixPrompt } from "../../agent/prompts/fix.js";
import type { FixJob } from "../../jobs/types.js";
import type { JobContext, JobResult } from "../../jobs/worker/job-context.js";
import { collectChanges } from "../../workspace/diff.js";
import { resetWorktree } from "../../workspace/reset.js";
import { codeBlock, codeLine, plainLine } from "../../text-safety/inline.js";
import { sanitizeMarkdown } from "../../text-safety/markdown.js";
import { withCheckout } from "../steps/checkout.js";
import { agentStep, describeAgentFailure } from "../steps/agent-step.js";
import type { PipelineDeps } from "../deps.js";
import { checkFixDiff, describeRefusal, fixPolicy, refusalOutcome } from "./diff-check.js";
import { openFix } from "./gates.js";
import { maintenanceNoChange, maintenancePublishing } from "./maintenance-outcome.js";
import { publishFix } from "./publish.js";
import { roundAuthor } from "./second-opinion.js";
import { renderFixPullRequestBody, repeatVerdict, verdict as verifyVerdict, type VerifyOutcome } from "./render.js";
import { blockedByVerify, failureNotReproduced, runVerify, runVerifyRepeated } from "./verify.js";

/**
 * A fix, start to end: the gates (gates.ts), then in a fresh checkout the verify command before, the agent, the
 * diff policy on what it changed, the verify command after, and the commit and pull request (publish.ts).
 */
export async function runFix(deps: PipelineDeps, job: FixJob, ctx: JobContext): Promise<JobResult> {
  const started = Date.now();
  const log = deps.log.child({ job: job.key });
  const opened = await openFix(deps, job, ctx, (err) => log.warn({ err }, "progress update failed"));
  if ("stop" in opened) return opened.stop;
  const { gh, config, target, talk, maintenance } = opened.fix;

  return withCheckout(
    deps,
    ctx,
    gh,
    log,
    { repo: job.repo, sha: target.baseSha, want: [] },
    async (worktree, jobDir, _mirror, instructions) => {
      const where = { cwd: worktree.path, jobDir: jobDir.dir };
      const verifyCommand = maintenance ? maintenance.verifyCommand : config.fix.verify_command;
      let verify: VerifyOutcome | null = null;
      const repeat = maintenance?.repeat ?? null;
      // The flaky chaser runs its one test many times; every other run checks once.
      const check = async (command: string) =>
        repeat === null
          ? { result: await runVerify(deps, ctx, where, command), count: null }
          : await runVerifyRepeated(deps, ctx, where, command, repeat);
      if (verifyCommand) {
        await ctx.setPhase("verify-before");
        const { result: before, count } = await check(verifyCommand);
        verify = {
          command: verifyCommand,
          before,
          after: null,
          ...(repeat !== null ? { repeat: { runs: repeat, before: count, after: null } } : {}),
        };
        await resetWorktree(worktree.path);
        if (failureNotReproduced(job, before)) {
          await talk.say(
            `Codex did not draft a fix for ${target.describe}: ${codeLine(verifyCommand)} passes on this commit, so the bot could not reproduce the failure with it.`,
          );
          return { outcome: "not-reproduced" };
        }
      }

      await ctx.setPhase("agent");
      await talk.start(`Codex is drafting a change for ${target.describe}`, worktree.path);
      const policy = await fixPolicy(gh, config);
      const { run, tokens, timeoutMs, spend } = await agentStep(
        deps,
        { config, ctx, log, job },
        {
          cwd: worktree.path,
          prompt: buildFixPrompt({
            repoFullName: job.repo.fullName,
            baseRef: target.baseRef,
            task: target.task,
            context: target.context,
            // The chaser's command holds a test name from a log: the prompt shows its template (see MaintenanceRun).
            verifyCommand: maintenance ? maintenance.verifyShown : verifyCommand,
            policy,
            verifyBefore: verify?.before ? { verdict: verifyVerdict(verify.before), output: verify.before.output } : null,
          }),
          sandbox: "workspace-write",
          instructions,
          outputSchema: fixReportJsonSchema(),
          jobDir: jobDir.dir,
          onEvent: talk.onEvent,
        },
        roundAuthor(job),
      );
      const parsedReport = run.outcome === "completed" ? parseFixReport(run.finalMessage) : null;
      if (!parsedReport?.ok) {
        const why = !parsedReport ? describeAgentFailure(run, timeoutMs) : parsedReport.error;
        await talk.finish(
          false,
          run.outcome === "cancelled"
            ? "Stopped: the job was cancelled, and its workspace removed."
            : `Codex could not draft a fix for ${target.describe}: ${sanitizeMarkdown(why, { webBaseUrl: deps.webBaseUrl })}`,
        );
        return { outcome: `agent-failed: ${run.outcome}`, tokens };
      }

      // The diff in the worktree is the truth, never the agent's message.
      await ctx.setPhase("verify");
      const changes = await collectChanges(worktree.path, target.baseSha);
      const verdict = checkFixDiff(changes, policy, run.checkoutConfigWritten, maintenance?.paths);
      if (maintenance && verdict.empty && run.checkoutConfigWritten.length === 0)
        return await maintenanceNoChange(gh, job, maintenance, talk, tokens);
      if (!verdict.ok) {
        await talk.finish(false, describeRefusal(verdict, target.describe));
        return { outcome: refusalOutcome(verdict), tokens };
      }
      if (verify && verifyCommand) {
        const { result: after, count } = await check(verifyCommand);
        verify.after = after;
        if (verify.repeat) verify.repeat.after = count;
        if (blockedByVerify(job, verify, after)) {
          await talk.finish(
            false,
            `Codex's change for ${target.describe} was not committed: ${codeLine(verifyCommand)} ${verifyVerdict(after)} after it${repeat === null ? "" : ` (${repeatVerdict(count, repeat)})`}.\n\n${codeBlock(after.output.split("\n").slice(-20).join("\n"))}`,
          );
          return { outcome: "verify-failed", tokens };
        }
      }

      await ctx.setPhase("publish");
      const body = renderFixPullRequestBody(parsedReport.report, {
        describe: target.describe,
        closes: target.closes,
        changes,
        commands: run.commands.map((c) => ({ command: c.command, exitCode: c.exitCode })),
        verify,
        tokens,
        spend,
        durationMs: Date.now() - started,
        origin: { ...(job.origin.type === "maintenance" ? job.origin : { type: job.origin.type }), requested_by: job.requestedBy },
        baseSha: target.baseSha,
        webBaseUrl: deps.webBaseUrl,
      });
      const title = plainLine(parsedReport.report.summary, 200);
      const how = maintenance ? maintenancePublishing(gh, job, target, maintenance) : {};
      return await publishFix(deps, gh, job, target, talk, { changes, title, body, tokens, author: spend.agent }, config.fix, how);
    },
  );
}

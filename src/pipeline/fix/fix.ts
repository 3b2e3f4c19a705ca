import { buildFixPrompt } from "../../agent/prompts/fix.js";
import type { FixJob } from "../../jobs/types.js";
import type { JobContext, JobResult } from "../../jobs/worker/job-context.js";
import { resetWorktree } from "../../workspace/reset.js";
import { codeBlock, codeLine, plainLine } from "../../text-safety/inline.js";
import { sanitizeMarkdown } from "../../text-safety/markdown.js";
import { endConversationOnError } from "../steps/ask-failure.js";
import { withCheckout, withSecondCheckout } from "../steps/checkout.js";
import { addTokens, agentName, spendLine } from "../steps/spend.js";
import { recordRaceResult } from "../../jobs/agent-runs.js";
import { attemptFix, type FixAttempt } from "./attempt.js";
import { entryOf, isRace, judgeRace, raceSection, type RaceEntry } from "./race.js";
import { publishCandidates } from "./race-checks.js";
import type { PipelineDeps } from "../deps.js";
import { describeRefusal, fixPolicy, refusalOutcome } from "./diff-check.js";
import { openFix } from "./gates.js";
import { maintenanceNoChange, maintenancePublishing } from "./maintenance-outcome.js";
import { publishFix } from "./publish.js";
import { roundAuthor } from "./second-opinion.js";
import { fixTaskResult } from "./task-result.js";
import { handoffData, renderFixPullRequestBody, repeatVerdict, verdict as verifyVerdict, type VerifyOutcome } from "./render.js";
import { blockedByVerify, failureNotReproduced, runVerify, runVerifyRepeated } from "./verify.js";

/**
 * A fix, start to end: the gates (gates.ts), then in a fresh checkout the verify command before, the agent, the
 * diff policy on what it changed, the verify command after, and the commit and pull request (publish.ts).
 */
export async function runFix(deps: PipelineDeps, job: FixJob, ctx: JobContext): Promise<JobResult> {
  const started = Date.now();
  // Bound to the job's key and kind by pipelineHandlers (run-job.ts).
  const log = deps.log;
  const opened = await openFix(deps, job, ctx, (err) => log.warn({ err }, "progress update failed"));
  if ("stop" in opened) return opened.stop;
  const { gh, config, target, talk, maintenance } = opened.fix;

  // A last attempt that throws (a full disk under git, GitHub down) ends the progress comment with the reason,
  // instead of leaving it at "working…" for good.
  return endConversationOnError(ctx, talk, () =>
    withCheckout(deps, ctx, gh, log, { repo: job.repo, sha: target.baseSha, want: [] }, async (worktree, jobDir, mirror, instructions) => {
      const verifyCommand = maintenance ? maintenance.verifyCommand : config.fix.verify_command;
      let verify: VerifyOutcome | null = null;
      const repeat = maintenance?.repeat ?? null;
      // The flaky chaser runs its one test many times; every other run checks once.
      const check = async (command: string, cwd = worktree.path) => {
        const where = { cwd, jobDir: jobDir.dir };
        return repeat === null
          ? { result: await runVerify(deps, ctx, where, command), count: null }
          : await runVerifyRepeated(deps, ctx, where, command, repeat);
      };
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
      const input = {
        baseSha: target.baseSha,
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
        instructions,
        policy,
        onlyPaths: maintenance?.paths,
        verifyCommand,
        check: (cwd: string, command: string) => check(command, cwd),
      };
      const step = { config, ctx, log, job };
      let race: { section: string; tokens: FixAttempt["tokens"] } | null = null;
      let ciRace: { first: RaceEntry; second: RaceEntry; tokens: FixAttempt["tokens"] } | null = null;
      let attempt: FixAttempt;
      if (isRace(job, config)) {
        // Both agents at once, each in its own checkout; the progress comment follows the first.
        const [a, b] = await withSecondCheckout(
          deps,
          ctx,
          log,
          { mirrorPath: mirror, sha: target.baseSha, name: "race" },
          (other, otherDir) =>
            Promise.all([
              attemptFix(
                deps,
                step,
                { ...input, cwd: worktree.path, jobDir: jobDir.dir, onEvent: talk.onEvent },
                { backend: "codex", reason: "a race" },
              ),
              attemptFix(deps, step, { ...input, cwd: other.path, jobDir: otherDir.dir }, { backend: "claude", reason: "a race" }),
            ]),
        );
        const judged = judgeRace([entryOf(job, a, verify), entryOf(job, b, verify)]);
        const both = addTokens(a.tokens, b.tokens);
        log.info({ winner: judged.winner?.attempt.spend.agent ?? null, margin: judged.margin }, "race judged");
        if (!judged.winner) {
          await talk.finish(
            false,
            `Codex and Claude both attempted ${target.describe}; neither change could be pushed: ${[a, b].map((x) => `${agentName(x.spend.agent)}: ${entryOf(job, x, verify).result}`).join("; ")}.`,
          );
          return { outcome: "race: no winner", tokens: both };
        }
        attempt = judged.winner.attempt;
        // Judged by the repository's CI: both are pushed, and race-judge.ts records the result once CI has spoken.
        if (config.fix.race_judge === "checks" && judged.loser?.eligible)
          ciRace = { first: judged.winner, second: judged.loser, tokens: both };
        // Recorded for `agent.routing: auto`: a lost race counts against its agent. Losing the row loses a data point.
        else
          await recordRaceResult(deps.db, { jobKey: job.key, winner: attempt.spend.agent, margin: judged.margin }).catch((err: unknown) =>
            log.warn({ err }, "race result not recorded"),
          );
        race = { section: raceSection(judged.winner, judged.loser, judged.margin), tokens: both };
      } else {
        // A review round is the PR author's: its second opinion's, else the one its hand-off block names.
        const author =
          roundAuthor(job) ??
          (target.author ? { backend: target.author, reason: `${agentName(target.author)} wrote this pull request` } : undefined);
        attempt = await attemptFix(deps, step, { ...input, cwd: worktree.path, jobDir: jobDir.dir, onEvent: talk.onEvent }, author);
      }
      const { run, spend, report, verdict } = attempt;
      const tokens = race?.tokens ?? attempt.tokens;
      // Every reply after an agent ran says which one and what it spent.
      const spent = `\n\n<sub>${spendLine(spend)}</sub>`;
      if (!report || !verdict) {
        await talk.finish(
          false,
          run.outcome === "cancelled"
            ? "Stopped: the job was cancelled, and its workspace removed."
            : `${agentName(spend.agent)} could not draft a fix for ${target.describe}: ${sanitizeMarkdown(attempt.failure ?? "no answer", { webBaseUrl: deps.webBaseUrl })}${spent}`,
        );
        return { outcome: `agent-failed: ${run.outcome}`, tokens };
      }

      await ctx.setPhase("verify");
      if (maintenance && verdict.empty && run.checkoutConfigWritten.length === 0)
        return await maintenanceNoChange(gh, job, maintenance, talk, tokens);
      if (!verdict.ok) {
        await talk.finish(false, describeRefusal(verdict, target.describe) + spent);
        return { outcome: refusalOutcome(verdict), tokens };
      }
      if (verify && verifyCommand && attempt.after) {
        const { result: after, count } = attempt.after;
        verify.after = after;
        if (verify.repeat) verify.repeat.after = count;
        if (blockedByVerify(job, verify, after)) {
          await talk.finish(
            false,
            `${agentName(spend.agent)}'s change for ${target.describe} was not committed: ${codeLine(verifyCommand)} ${verifyVerdict(after)} after it${repeat === null ? "" : ` (${repeatVerdict(count, repeat)})`}.\n\n${codeBlock(after.output.split("\n").slice(-20).join("\n"))}${spent}`,
          );
          return { outcome: "verify-failed", tokens };
        }
      }

      await ctx.setPhase("publish");
      const factsOf = (a: FixAttempt) => {
        const own = verify ? { ...verify, after: a.after?.result ?? null } : null;
        return {
          describe: target.describe,
          closes: target.closes,
          changes: a.changes,
          commands: a.run.commands.map((c) => ({ command: c.command, exitCode: c.exitCode })),
          verify: own,
          tokens,
          spend: a.spend,
          durationMs: Date.now() - started,
          origin: { ...originFacts(job.origin), requested_by: job.requestedBy },
          baseSha: target.baseSha,
          webBaseUrl: deps.webBaseUrl,
        };
      };
      const publication = (a: FixAttempt, section: string | null) => {
        // Only attempts with a report get here (a race's eligible candidates, or the checked attempt).
        if (!a.report) throw new Error("publication: an attempt without a report");
        const facts = factsOf(a);
        const body = renderFixPullRequestBody(a.report, facts);
        return {
          changes: a.changes,
          title: plainLine(a.report.summary, 200),
          body: section ? body.replace("\n### Checks", `\n${section}\n\n### Checks`) : body,
          tokens,
          author: a.spend.agent,
          result: fixTaskResult(handoffData(a.report, facts)),
        };
      };
      if (ciRace) {
        const section = (me: RaceEntry, other: RaceEntry) =>
          `### The race\n\n${agentName(me.attempt.spend.agent)} and ${agentName(other.attempt.spend.agent)} both attempted this fix and both passed the bot's checks; each is a draft pull request, and the repository's CI decides: the candidate whose runs all pass wins, the other is closed.`;
        const { first, second } = ciRace;
        return await publishCandidates(
          deps,
          gh,
          job,
          target,
          talk,
          [
            { entry: first, publication: publication(first.attempt, section(first, second)) },
            { entry: second, publication: publication(second.attempt, section(second, first)) },
          ],
          config.fix,
        );
      }
      const how = maintenance ? maintenancePublishing(gh, job, target, maintenance) : {};
      return await publishFix(deps, gh, job, target, talk, publication(attempt, race?.section ?? null), config.fix, how);
    }),
  );
}

/** The origin as the hand-off block shows it: a maintenance run whole, a task by its id, others by their type. */
function originFacts(origin: FixJob["origin"]): object {
  if (origin.type === "maintenance") return origin;
  return origin.type === "task" ? { type: "task", task_id: origin.taskId } : { type: origin.type };
}

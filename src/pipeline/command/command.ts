import { workflowRunSource } from "../steps/triage-source.js";
import { helpText } from "../../commands/help.js";
import { parseCommand, type ParsedCommand } from "../../commands/parse.js";
import type { RepoConfig } from "../../config/repo-config.js";
import { findLatestFailedRun } from "../../github/failed-runs.js";
import { getPullRequest } from "../../github/pulls.js";
import { cancelJob } from "../../jobs/cancel.js";
import { submitJob } from "../../jobs/submit.js";
import { findActiveJobs } from "../../jobs/find-active-jobs.js";
import {
  askKey,
  commandFixKey,
  commandTriageKey,
  planStartKey,
  planTargetKey,
  planWriteKey,
  workflowRunTriageKey,
} from "../../jobs/keys.js";
import { planStatus, stopPlan } from "./plan-commands.js";
import { targetKey, type AskJob, type CommandJob, type FixJob, type PlanWriteJob, type TriageJob } from "../../jobs/types.js";
import type { JobContext } from "../../jobs/worker/job-context.js";
import { loadRepoConfig } from "../steps/load-config.js";
import { authorizeRequester } from "../steps/authorize.js";
import { permissionAtLeast } from "../../commands/authorize.js";
import { Conversation } from "../steps/conversation.js";
import type { PipelineDeps } from "../deps.js";
import type { JobResult } from "../../jobs/worker/job-context.js";

/** An answer to post now, or none: queued work answers in its own progress comment when it starts. */
type Dispatch = { ok: boolean; summary?: string; outcome: string };

/**
 * A comment that may be a `/codex` command: parse it with the repository's prefix, check the commenter's
 * permission, acknowledge with 👀, then answer at once (help, status, stop) or queue the work behind
 * whatever already runs on the same issue or PR.
 */
export async function runCommand(deps: PipelineDeps, job: CommandJob, ctx: JobContext): Promise<JobResult> {
  const gh = await deps.github(job.installationId);
  await ctx.setPhase("config");
  const parsedConfig = await loadRepoConfig(gh, job.repo);
  const talk = new Conversation({
    deps,
    gh,
    repo: job.repo,
    issueNumber: job.issueNumber,
    jobKey: job.key,
    commentId: job.commentId,
    commentKind: job.commentKind,
    onError: (err) => deps.log.warn({ err, job: job.key }, "reaction failed"),
  });
  if (!parsedConfig.ok) {
    // Without a valid config the prefix is unknown: answer only what is certainly meant for us.
    if (!parseCommand(job.body)) return { outcome: "skipped: not a command" };
    await talk.finish(
      false,
      `Codex cannot act: \`.github/codex.yml\` is not valid.\n\n${parsedConfig.errors.map((e) => `- ${e}`).join("\n")}`,
    );
    return { outcome: "invalid-config" };
  }
  const config = parsedConfig.config;
  const command = parseCommand(job.body, config.commands.prefix);
  if (!command) return { outcome: "skipped: not a command" };

  await ctx.setPhase("authorize");
  if (!(await authorizeRequester(gh, job.repo, job.sender.login, config.commands.permission, job.issueNumber))) {
    return { outcome: `refused: ${job.sender.login}` };
  }
  // The webhook handler reacted already for a default-prefix comment by someone with write access; a repository
  // that lets triagers or readers command gets their 👀 here.
  if (!job.acknowledged || !permissionAtLeast(config.commands.permission, "write")) await talk.acknowledge();

  await ctx.setPhase("dispatch");
  const result = await dispatch(deps, job, command, config, gh);
  if (result.summary !== undefined) await talk.finish(result.ok, result.summary);
  return { outcome: result.outcome };
}

async function dispatch(
  deps: PipelineDeps,
  job: CommandJob,
  command: ParsedCommand,
  config: RepoConfig,
  gh: Awaited<ReturnType<PipelineDeps["github"]>>,
): Promise<Dispatch> {
  const target = targetKey(job.repo.fullName, job.issueNumber);
  const prefix = config.commands.prefix;
  switch (command.name) {
    case "help":
      return { ok: true, summary: helpText(prefix, config.commands.permission), outcome: "help" };
    case "unknown":
      return {
        ok: false,
        summary: `That is not a command I know.\n\n${helpText(prefix, config.commands.permission)}`,
        outcome: "unknown-command",
      };
    case "status": {
      const active = (await findActiveJobs(deps.db, { repo: job.repo.fullName, target })).filter((j) => j.key !== job.key);
      const plan = await planStatus(deps, job);
      if (active.length === 0 && !plan) return { ok: true, summary: "Nothing is running or queued here.", outcome: "status" };
      const lines = active.map((j) => `- ${j.kind}: ${j.status}${j.phase ? ` (${j.phase})` : ""}, since ${j.startedAt ?? j.createdAt}`);
      const work = lines.length ? `Work on #${job.issueNumber}:\n${lines.join("\n")}` : "";
      return { ok: true, summary: [work, plan].filter(Boolean).join("\n\n"), outcome: "status" };
    }
    case "stop": {
      const active = (await findActiveJobs(deps.db, { repo: job.repo.fullName, target })).filter((j) => j.key !== job.key);
      for (const j of active) await cancelJob(deps.db, j.key, `stopped by @${job.sender.login}`);
      const items = await stopPlan(deps, job);
      if (items !== null)
        return {
          ok: true,
          summary: `Stopping the plan: ${items + active.length} running or queued job(s) cancelled; items not started will not start. The checklist says where each item stopped.`,
          outcome: `stopped plan, ${items + active.length}`,
        };
      return active.length
        ? {
            ok: true,
            summary: `Stopping ${active.length} job(s): the agent is killed and its workspace removed.`,
            outcome: `stopped ${active.length}`,
          }
        : { ok: true, summary: "Nothing to stop here.", outcome: "stopped 0" };
    }
    case "triage":
      return queueTriage(deps, job, gh);
    case "plan":
    case "go": {
      // `/codex plan <goal>` has the planner write the list first (its own pipeline); `/codex plan` and `/codex go`
      // run the list the issue holds, through the plan's coordinator (pipeline/plan/), which answers in its checklist.
      if (command.name === "plan" && command.args.trim() !== "") return queuePlanWrite(deps, job, command.args, config);
      if (job.isPullRequest) return { ok: false, summary: "Plans run on issues.", outcome: "refused: plan on a pull request" };
      await submitJob(
        deps.db,
        deps.queue,
        {
          kind: "plan",
          key: planStartKey(job.repo.fullName, job.issueNumber, `cmd-${job.commentId}`),
          installationId: job.installationId,
          deliveryId: job.deliveryId,
          repo: job.repo,
          issueNumber: job.issueNumber,
          event: { type: "start", source: "command", requestedBy: job.sender.login },
        },
        { meta: { issue: job.issueNumber }, serialKey: planTargetKey(job.repo.fullName, job.issueNumber) },
      );
      return { ok: true, outcome: `queued ${command.name}` };
    }
    case "explain":
    case "review": {
      if (command.name === "review" && !job.isPullRequest)
        return { ok: false, summary: "`review` works on pull requests.", outcome: "refused: review on an issue" };
      const key = askKey(command.name, job.repo.fullName, job.issueNumber, job.commentKind, job.commentId);
      const ask: AskJob = {
        kind: command.name,
        key,
        installationId: job.installationId,
        deliveryId: job.deliveryId,
        repo: job.repo,
        requestedBy: job.sender.login,
        issueNumber: job.issueNumber,
        isPullRequest: job.isPullRequest,
        commentId: job.commentId,
        commentKind: job.commentKind,
        question: command.args,
        config,
      };
      await submitJob(deps.db, deps.queue, ask, { meta: { issue: job.issueNumber }, serialKey: target });
      return { ok: true, outcome: `queued ${command.name}` };
    }
    case "fix":
    case "race":
    case "do": {
      const instruction = command.name === "do" ? command.args : command.args || "Fix what this asks for.";
      const key = commandFixKey(job.repo.fullName, job.issueNumber, job.commentKind, job.commentId);
      const fix: FixJob = {
        kind: "fix",
        key,
        installationId: job.installationId,
        deliveryId: job.deliveryId,
        repo: job.repo,
        requestedBy: job.sender.login,
        origin: {
          type: "command",
          issueNumber: job.issueNumber,
          isPullRequest: job.isPullRequest,
          instruction,
          commentId: job.commentId,
          ...(command.name === "race" ? { race: true } : {}),
        },
        config,
      };
      await submitJob(deps.db, deps.queue, fix, { meta: { issue: job.issueNumber }, serialKey: target });
      return { ok: true, outcome: command.name === "race" ? "queued race" : "queued fix" };
    }
  }
}

async function queueTriage(deps: PipelineDeps, job: CommandJob, gh: Awaited<ReturnType<PipelineDeps["github"]>>): Promise<Dispatch> {
  if (!job.isPullRequest) return { ok: false, summary: "`triage` works on pull requests.", outcome: "refused: triage on an issue" };
  const { owner, name: repo } = job.repo;
  const pr = await getPullRequest(gh, { owner, repo, number: job.issueNumber });
  const run = await findLatestFailedRun(gh, { owner, repo, headSha: pr.headSha });
  if (!run)
    return {
      ok: false,
      summary: `No failed run found for the head of #${pr.number} (${pr.headSha.slice(0, 7)}).`,
      outcome: "no failed run",
    };
  // A new key: an explicit request triages again even when this run was triaged before.
  const key = commandTriageKey(workflowRunTriageKey(job.repo.fullName, run.headSha, run.id, run.runAttempt), job.commentId);
  const triage: TriageJob = {
    kind: "triage",
    key,
    installationId: job.installationId,
    deliveryId: job.deliveryId,
    repo: job.repo,
    headSha: run.headSha,
    headBranch: run.headBranch,
    pullNumbers: [pr.number],
    fromFork: (pr.headRepoFullName ?? "").toLowerCase() !== job.repo.fullName.toLowerCase(),
    source: workflowRunSource(run),
  };
  await submitJob(deps.db, deps.queue, triage, {
    meta: { branch: run.headBranch, sha: run.headSha },
    serialKey: targetKey(job.repo.fullName, pr.number),
  });
  return { ok: true, outcome: "queued triage" };
}

/** Queues the planner behind whatever already runs on the issue; it answers in its own sticky comment. */
async function queuePlanWrite(deps: PipelineDeps, job: CommandJob, goal: string, config: RepoConfig): Promise<Dispatch> {
  if (job.isPullRequest) {
    return { ok: false, summary: "`plan` writes a plan into an issue; ask on an issue.", outcome: "refused: plan on a pull request" };
  }
  const plan: PlanWriteJob = {
    kind: "plan-write",
    key: planWriteKey(job.repo.fullName, job.issueNumber, job.commentKind, job.commentId),
    installationId: job.installationId,
    deliveryId: job.deliveryId,
    repo: job.repo,
    requestedBy: job.sender.login,
    issueNumber: job.issueNumber,
    isPullRequest: false,
    commentId: job.commentId,
    commentKind: job.commentKind,
    goal: goal.trim(),
    config,
  };
  await submitJob(deps.db, deps.queue, plan, {
    meta: { issue: job.issueNumber },
    serialKey: targetKey(job.repo.fullName, job.issueNumber),
  });
  return { ok: true, outcome: "queued plan-write" };
}

import { recordTriageFinding } from "../../jobs/triage-findings.js";
import { agree, renderSecondOpinion, secondOpinion, wantsSecondOpinion } from "./second-opinion.js";
import { addTokens } from "../steps/spend.js";
import { parseTriageReport, triageReportJsonSchema, type TriageReport } from "../../agent/report.js";
import { buildTriagePrompt } from "../../agent/prompts/triage.js";
import { CONFIG_PATH } from "../../config/repo-config.js";
import { publishCheckRun, type PublishCheckRunParams } from "../../github/checks.js";
import { fitBody } from "../../github/limits.js";
import { triageCommentMarker } from "../../jobs/keys.js";
import type { TriageJob } from "../../jobs/types.js";
import type { JobContext, JobResult } from "../../jobs/worker/job-context.js";
import { loadRepoConfig } from "../steps/load-config.js";
import { maybeEnqueueAutofix } from "./autofix.js";
import { skipReason } from "./skip-reason.js";
import { agentStep, describeAgentFailure } from "../steps/agent-step.js";
import { TRIAGE_CHECK_NAME, type PipelineDeps } from "../deps.js";
import { withCheckout } from "../steps/checkout.js";
import { checkoutFiles } from "../steps/checkout-files.js";
import { cleanText, plainLine } from "../../text-safety/inline.js";
import { pullRequestsToComment } from "../steps/pull-requests.js";
import { refuseUntrustedCode } from "../steps/untrusted-code.js";
import { postSticky } from "../steps/sticky.js";
import { noteFeedbackComment } from "../../jobs/outcomes-feedback.js";
import type { GitHubClient } from "../../github/client.js";
import { cleanResult } from "../steps/clean-result.js";
import { phaseClockOf } from "../steps/phase-clock.js";
import type { JobDir } from "../../workspace/job-dir.js";
import type { Worktree } from "../../workspace/worktree.js";
import type { TrustedInstructions } from "../steps/trusted-instructions.js";
import { postFirstSignal } from "./first-signal.js";
import { gatherCheckRun, gatherWorkflowRun, type GatheredFailure } from "./gather.js";
import { footer, renderConfigError, renderTriageFailure, renderTriageMarkdown, type TriageFacts } from "./render.js";

export async function runTriage(deps: PipelineDeps, job: TriageJob, ctx: JobContext): Promise<JobResult> {
  const started = Date.now();
  // Bound to the job's key and kind by pipelineHandlers (run-job.ts).
  const log = deps.log;
  const gh = await deps.github(job.installationId);

  await ctx.setPhase("config");
  // Read from the default branch: a pull request must not be able to change how the bot treats it.
  const parsed = await loadRepoConfig(gh, job.repo);
  if (!parsed.ok) {
    const check = await publishTriageCheck(gh, job, {
      conclusion: "failure",
      title: `Invalid ${CONFIG_PATH}`,
      summary: renderConfigError(parsed.errors, CONFIG_PATH),
      annotations: [],
    });
    return { outcome: "invalid-config", links: check.htmlUrl ? { checkRun: check.htmlUrl } : {} };
  }
  const config = parsed.config;
  const skip = await skipReason(deps, job, config);
  if (skip) {
    log.info({ reason: skip }, "triage skipped");
    return { outcome: `skipped: ${skip}` };
  }

  const prs = await pullRequestsToComment(gh, job);
  const refusal = await refuseUntrustedCode(deps, gh, job.repo, prs, job.fromFork);
  if (refusal) return refuseTriage(deps, gh, job, prs, refusal);

  const clock = phaseClockOf(ctx);
  // The logs download (and the first comment goes up) while the mirror is fetched: a maintainer hears of the
  // failure without waiting for git, and the agent starts when both are done.
  let gathered: GatheredFailure | undefined;
  const gather = async (jobDir: JobDir) => {
    gathered = await clock.span("gather", () =>
      job.source.type === "workflow_run"
        ? gatherWorkflowRun(gh, job as TriageJob & { source: { type: "workflow_run" } }, jobDir.logs)
        : gatherCheckRun(gh, job as TriageJob & { source: { type: "check_run" } }, jobDir.logs),
    );
    // Not awaited here: GitHub wants comments seconds apart (the client spaces them per installation), and that
    // wait must not hold the agent back. The final comment waits for it, so it is always an edit of this one.
    firstSignal = postFirstSignal(deps, gh, job, prs, gathered, clock);
  };
  let firstSignal: Promise<void> = Promise.resolve();

  return withCheckout(
    deps,
    ctx,
    gh,
    log,
    { repo: job.repo, sha: job.headSha, want: [], alongside: gather },
    async (worktree, jobDir, _mirror, instructions) => {
      try {
        return await explain(worktree, jobDir, instructions);
      } finally {
        // A job that fails still lets its first comment land before it ends (a retry or the give-up edits it).
        await firstSignal;
      }
    },
  );

  async function explain(worktree: Worktree, jobDir: JobDir, instructions: TrustedInstructions): Promise<JobResult> {
    if (!gathered) throw new Error("triage: the logs were not gathered");
    await ctx.setPhase("agent");
    const agentOpts = {
      cwd: worktree.path,
      prompt: buildTriagePrompt({
        repoFullName: job.repo.fullName,
        headSha: job.headSha,
        headBranch: job.headBranch,
        ciName: job.source.type === "workflow_run" ? job.source.workflowName : job.source.name,
        failedJobs: gathered.failedJobs,
        annotations: gathered.annotations,
        checkOutput: gathered.checkOutput,
        logsDir: jobDir.logs,
      }),
      sandbox: "read-only" as const,
      instructions,
      outputSchema: triageReportJsonSchema(),
      jobDir: jobDir.dir,
      addDirs: [jobDir.logs],
      onSpawn: () => {
        spawnedAt ??= Date.now();
        clock.mark("agent-spawn", spawnedAt);
      },
    };
    let spawnedAt: number | undefined;
    const first = await agentStep(deps, { config, ctx, log, job }, agentOpts);
    if (spawnedAt !== undefined) clock.mark("agent-exit", spawnedAt + first.run.durationMs);
    const { run, timeoutMs, spend } = first;
    let tokens = first.tokens;

    await ctx.setPhase("publish");
    const facts: TriageFacts = {
      repoFullName: job.repo.fullName,
      headSha: job.headSha,
      webBaseUrl: deps.webBaseUrl,
      ciName: job.source.type === "workflow_run" ? job.source.workflowName : job.source.name,
      ciUrl: job.source.htmlUrl,
      attempt: job.source.type === "workflow_run" ? job.source.runAttempt : undefined,
      failedJobs: gathered.failedJobs,
      spend,
      durationMs: Date.now() - started,
    };
    const report = run.outcome === "completed" ? parseTriageReport(run.finalMessage) : null;
    const failure = !report ? describeAgentFailure(run, timeoutMs) : !report.ok ? report.error : null;
    const { exists } = checkoutFiles(worktree.path);

    const second =
      report?.ok && wantsSecondOpinion(config, report.report)
        ? await secondOpinion(deps, { config, ctx, log, job }, { agent: spend.agent, report: report.report }, agentOpts)
        : null;
    if (second) tokens = addTokens(tokens, second.tokens);
    const body = report?.ok
      ? renderTriageMarkdown(report.report, facts, exists) +
        (second ? `\n${renderSecondOpinion(report.report, spend.agent, second, deps.webBaseUrl)}` : "")
      : renderTriageFailure(failure ?? "unknown error", facts);
    // The comment first: it is what the maintainer reads, so when the client has to pace writes (a busy
    // installation, github/write-limits.ts) the check run takes that wait after the comment is up, not before.
    const links: Record<string, string> = {};
    const marker = triageCommentMarker(job.source);
    await firstSignal;
    for (const pr of prs) {
      const comment = await postSticky(deps, gh, {
        repo: job.repo,
        issueNumber: pr.number,
        marker,
        body: fitBody(body, `\n${footer(facts)}\n`, 65_536 - marker.length - 2),
        jobKey: job.key,
      });
      links[`pr${pr.number}`] = comment.htmlUrl;
      // Its 👍/👎 are read back after later jobs on this repository (steps/feedback-sweep.ts).
      await noteFeedbackComment(deps.db, { repo: job.repo.fullName, commentId: comment.id, jobKey: job.key }).catch((err: unknown) =>
        log.warn({ err }, "triage comment not noted for feedback"),
      );
    }
    clock.mark("published");
    const check = await publishTriageCheck(gh, job, {
      conclusion: "neutral",
      title: report?.ok ? plainLine(report.report.summary, 200) : "Codex could not explain this failure",
      summary: fitBody(body, `\n${footer(facts)}`, 65_535),
      annotations: report?.ok ? toAnnotations(report.report, exists) : [],
    });
    if (check.htmlUrl) links.checkRun = check.htmlUrl;
    if (report?.ok) {
      // History for the maintenance tasks: losing it costs a flaky count, never the triage already posted.
      await recordTriageFinding(deps.db, {
        jobKey: job.key,
        repo: job.repo.fullName,
        ciName: facts.ciName || "workflow",
        headSha: job.headSha,
        classification: report.report.classification,
        summary: plainLine(report.report.summary, 300),
        rootCause: plainLine(report.report.root_cause, 2000),
        tests: report.report.failing_tests.map((t) => plainLine(t, 300)).filter((t) => t !== ""),
      }).catch((err: unknown) => log.warn({ err }, "triage finding not recorded"));
      const prRefs = prs.map((pr) => ({
        number: pr.number,
        sameRepo: (pr.headRepoFullName ?? "").toLowerCase() === job.repo.fullName.toLowerCase(),
      }));
      // Two agents that disagree on the cause are not a clear fix.
      const disputed = second?.report ? !agree(report.report, second.report) : false;
      if (!disputed && (await maybeEnqueueAutofix(deps, job, report.report, config, prRefs))) links.fix = "queued";
    }
    const outcome = report?.ok ? `explained: ${report.report.classification}` : `agent-failed: ${run.outcome}`;
    // The report as data, for an MCP caller's task_result (the check run and comments hold it as markdown).
    const result = report?.ok
      ? cleanResult({ report: report.report, ...(second?.report ? { second_opinion: second.report } : {}) })
      : undefined;
    return { outcome, tokens, links, ...(result ? { result } : {}) };
  }
}

/** The "Codex triage" check run of this job's commit (one per job key: a retry updates it). */
function publishTriageCheck(
  gh: GitHubClient,
  job: TriageJob,
  output: Pick<PublishCheckRunParams, "conclusion" | "title" | "summary" | "annotations">,
) {
  return publishCheckRun(gh, {
    owner: job.repo.owner,
    repo: job.repo.name,
    headSha: job.headSha,
    name: TRIAGE_CHECK_NAME,
    externalId: job.key,
    ...output,
  });
}

/** No agent ran: the check run and the PRs say why (the same words on both). */
async function refuseTriage(
  deps: PipelineDeps,
  gh: GitHubClient,
  job: TriageJob,
  prs: { number: number }[],
  refusal: string,
): Promise<JobResult> {
  const body = `### Codex triage did not run\n\n${refusal}\n`;
  const check = await publishTriageCheck(gh, job, {
    conclusion: "neutral",
    title: "Codex did not run on untrusted code",
    summary: body,
    annotations: [],
  });
  const marker = triageCommentMarker(job.source);
  for (const pr of prs) await postSticky(deps, gh, { repo: job.repo, issueNumber: pr.number, marker, body, jobKey: job.key });
  return { outcome: "refused: untrusted code without isolation", links: check.htmlUrl ? { checkRun: check.htmlUrl } : {} };
}

function toAnnotations(report: TriageReport, exists: (p: string) => boolean) {
  return report.locations
    .filter((l) => exists(l.path))
    .map((l) => ({
      path: l.path,
      startLine: l.line ?? 1,
      endLine: l.line ?? 1,
      level: "failure" as const,
      message: cleanText(l.message || report.summary),
      title: "Codex triage",
    }));
}

// fix.second_opinion, the review side (the fix side, which queues this job, is fix/second-opinion.ts): the
// configured agent reviews the head another agent pushed to a fix PR, through the `/codex review` pipeline (same
// prompt, schema, rendering, one PR review with line comments). When it asks for changes, it queues one more round
// for the PR's author (a review-origin fix job marked as a second opinion's, which gates.ts authorizes), within
// fix.max_review_rounds: that limit, counted over every round on the branch, ends the exchange.
import { getPullRequest } from "../../github/pulls.js";
import { reviewFixKey, targetKey } from "../../jobs/keys.js";
import { countRecentJobs } from "../../jobs/records.js";
import { submitJob } from "../../jobs/submit.js";
import type { FixJob, SecondOpinionJob } from "../../jobs/types.js";
import type { JobContext, JobResult } from "../../jobs/worker/job-context.js";
import { appLogin } from "../steps/app-login.js";
import { loadRepoConfig } from "../steps/load-config.js";
import { agentName } from "../steps/spend.js";
import type { PipelineDeps } from "../deps.js";
import { reviewPullRequest } from "./review-pr.js";
import type { ReviewPlan } from "./review-render.js";

/** The review job: the reviewer's PR review of the head, then at most one round queued for the author. */
export async function runSecondOpinion(deps: PipelineDeps, job: SecondOpinionJob, ctx: JobContext): Promise<JobResult> {
  const gh = await deps.github(job.installationId);
  // Bound to the job's key and kind by pipelineHandlers (run-job.ts).
  const log = deps.log;
  const { owner, name: repo } = job.repo;
  await ctx.setPhase("config");
  const parsed = await loadRepoConfig(gh, job.repo, job.config);
  if (!parsed.ok) return { outcome: "invalid-config" };
  const config = parsed.config;
  if (config.fix.second_opinion !== job.reviewer) return { outcome: "skipped: fix.second_opinion changed" };
  const pr = await getPullRequest(gh, { owner, repo, number: job.prNumber });
  // A newer push has its own second opinion; a closed PR needs none.
  if (pr.state !== "open" || pr.headSha !== job.headSha || pr.headRef !== job.branch)
    return { outcome: "skipped: the pull request moved on" };

  const who = agentName(job.reviewer);
  const result = await reviewPullRequest(deps, ctx, gh, log, {
    job,
    config,
    prNumber: job.prNumber,
    focus: "",
    pick: { backend: job.reviewer, reason: `fix.second_opinion: ${job.reviewer}, on ${agentName(job.author)}'s pull request` },
    heading: `### Second opinion: ${who}'s review\n\n${agentName(job.author)} drafted this change; \`fix.second_opinion\` asks ${who} to review it.`,
  });
  if (!result.ok) {
    log.warn({ outcome: result.outcome }, "second opinion gave no review");
    return { outcome: result.outcome, ...(result.tokens ? { tokens: result.tokens } : {}) };
  }
  const { report, plan, posted, tokens } = result;
  const links: Record<string, string> = { review: posted.htmlUrl };
  if (report.verdict !== "request_changes") return { outcome: `reviewed: ${report.verdict}`, tokens, links };

  const requester = appLogin(deps);
  if (!requester) return { outcome: "reviewed: request_changes (no APP_SLUG: no round)", tokens, links };
  // Rounds so far on this branch, people's and second opinions' alike: the fix job stops past the limit and says so.
  const previous = await countRecentJobs(deps.db, { repo: job.repo.fullName, branch: job.branch, kind: "fix", sinceMs: 0 });
  const round: FixJob = {
    kind: "fix",
    key: reviewFixKey(job.repo.fullName, job.prNumber, posted.id),
    installationId: job.installationId,
    deliveryId: job.deliveryId,
    repo: job.repo,
    requestedBy: requester,
    origin: {
      type: "review",
      prNumber: job.prNumber,
      branch: job.branch,
      round: previous + 1,
      reviewId: posted.id,
      feedback: feedbackText(report.summary, plan, posted.movedToBody > 0),
      secondOpinion: { author: job.author, reviewer: job.reviewer },
    },
  };
  await submitJob(deps.db, deps.queue, round, {
    meta: { branch: job.branch, pr: job.prNumber },
    serialKey: targetKey(job.repo.fullName, job.prNumber),
  });
  links.round = round.key;
  return { outcome: `reviewed: request_changes, round ${previous + 1} queued`, tokens, links };
}

/** The review's text for the round: target.ts reads the line comments GitHub placed; the rest go here. */
function feedbackText(summary: string, plan: ReviewPlan, inlineMovedToBody: boolean): string {
  const elsewhere = [...plan.outsideDiff, ...(inlineMovedToBody ? plan.inline : [])];
  return [summary.trim(), ...elsewhere.map((c) => `${c.path}:${c.line}: ${c.body}`)].join("\n\n");
}

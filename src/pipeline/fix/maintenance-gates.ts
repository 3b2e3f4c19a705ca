import { countOpenBotPullRequests } from "../../github/bot-pull-count.js";
import type { GitHubClient } from "../../github/client.js";
import { MAINTENANCE_BRANCH_PREFIX } from "../../github/maintenance-branch.js";
import { budgetSpent, maintenanceUsageToday } from "../../jobs/maintenance-usage.js";
import type { FixJob } from "../../jobs/types.js";
import type { JobResult } from "../../jobs/worker/job-context.js";
import type { RepoConfig } from "../../config/repo-config.js";
import { codeLine } from "../../text-safety/inline.js";
import { authorizeRequester } from "../steps/authorize.js";
import { Conversation } from "../steps/conversation.js";
import { postSticky } from "../steps/sticky.js";
import type { PipelineDeps } from "../deps.js";
import { maintenanceNotes } from "./maintenance-notes.js";
import { resolveMaintenanceTarget, type MaintenanceRun } from "./maintenance-target.js";
import type { FixTarget } from "./target.js";

export type MaintenanceJob = FixJob & { origin: Extract<FixJob["origin"], { type: "maintenance" }> };

export function isMaintenanceJob(job: FixJob): job is MaintenanceJob {
  return job.origin.type === "maintenance";
}

export interface OpenedMaintenance {
  target: FixTarget;
  run: MaintenanceRun;
  talk: Conversation;
}

/** One comment per PR, however many runs find it: the marker is the same for every run of every task. */
const PERSON_MARKER = "<!-- codex-dispatch:maintenance:person-committed -->";

/**
 * The gates of a maintenance run, in order, before any checkout: the task is still configured and enabled,
 * the requester (a dashboard tick) may ask, the repository's daily budget is not spent, the living PR has
 * no person's commit, and a new PR stays within `maintenance.max_open_prs`. No issue to talk on: refusals
 * are the job record's outcome (the dashboard shows them); only a person's commit is said on the PR itself.
 */
export async function openMaintenance(
  deps: PipelineDeps,
  job: MaintenanceJob,
  gh: GitHubClient,
  config: RepoConfig,
  onError: (err: unknown) => void,
): Promise<{ stop: JobResult } | { maintenance: OpenedMaintenance }> {
  const { owner, name: repo } = job.repo;
  const settings = config.maintenance;
  const task = settings.tasks.find((t) => t.name === job.origin.task);
  if (!task) return { stop: { outcome: "task-gone" } };
  if (!task.enabled) return { stop: { outcome: "task-disabled" } };
  if (job.requestedBy && !(await authorizeRequester(gh, job.repo, job.requestedBy, config.commands.permission, null))) {
    return { stop: { outcome: `refused: ${job.requestedBy} lacks ${config.commands.permission} permission` } };
  }

  const used = await maintenanceUsageToday(deps.db, { repo: job.repo.fullName, excludeKey: job.key });
  if (budgetSpent(used, settings)) return { stop: { outcome: "budget-spent" } };

  // A chaser run always names its test (the tick or the dashboard chose it); one without has nothing to chase.
  if (task.preset === "flaky" && job.origin.test === undefined) return { stop: { outcome: "no-flaky-test" } };
  const notes = await maintenanceNotes(deps.db, job.repo.fullName, task, new Date());
  const resolved = await resolveMaintenanceTarget(gh, job, task, config, deps.env.APP_SLUG, notes);
  if (!resolved.ok && resolved.prNumber !== null) {
    await postSticky(deps, gh, {
      repo: job.repo,
      issueNumber: resolved.prNumber,
      marker: PERSON_MARKER,
      jobKey: job.key,
      body: `Codex stopped updating this pull request: someone other than the bot committed to ${codeLine(resolved.branch)}, and the bot never rewrites a person's work. It is yours now; the maintenance task ${codeLine(task.name)} starts a new pull request once this one is merged or closed.`,
    });
    return { stop: { outcome: "person-committed", links: { pr: `#${resolved.prNumber}` } } };
  }
  if (!resolved.ok) return { stop: { outcome: resolved.outcome } };

  if (resolved.run.openPr === null) {
    const open = await countOpenBotPullRequests(gh, { owner, repo, branchPrefix: MAINTENANCE_BRANCH_PREFIX });
    if (open >= settings.max_open_prs) return { stop: { outcome: "limit-open-prs" } };
  }

  const talk = new Conversation({ deps, gh, repo: job.repo, issueNumber: resolved.target.reportOn, jobKey: job.key, onError });
  return { maintenance: { target: resolved.target, run: resolved.run, talk } };
}

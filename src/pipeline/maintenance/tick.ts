// The maintenance tick, once a minute on one worker (pg-boss's cron sends one job per minute, whichever
// process's clock fires first): every repository of every installation has its config read (a 304 when it did
// not change), each task that is due in its current period is enqueued, and the dashboard is asked to render
// when what it shows changed. Nothing here relies on being the only tick: every enqueue is keyed (one run per
// task and period, one render per dashboard state), so two ticks at once, a restart or a clock that steps back
// enqueue nothing twice. One repository's failure is logged and the tick goes on with the others.
import { dashboardRefreshKey, dashboardTargetKey } from "../../jobs/keys.js";
import { lastScheduledPeriods } from "../../jobs/maintenance-history.js";
import { budgetSpent, maintenanceUsageToday } from "../../jobs/maintenance-usage.js";
import { submitJob } from "../../jobs/submit.js";
import type { DashboardJob, MaintenanceTickJob, RepoRef } from "../../jobs/types.js";
import type { JobContext, JobResult } from "../../jobs/worker/job-context.js";
import { listInstallationIds, listInstallationRepositories } from "../../github/installations.js";
import type { PipelineDeps } from "../deps.js";
import { RepoConfigCache, wantsMaintenance } from "./config-cache.js";
import { buildDashboardView, viewFingerprint } from "./dashboard-view.js";
import { enqueueMaintenanceRun } from "./enqueue-run.js";
import { taskRunSubject } from "./flaky-choice.js";
import { checkTask } from "./schedule.js";

export type TickDeps = Pick<PipelineDeps, "db" | "queue" | "log" | "github" | "appGithub">;

export interface TickSummary {
  repositories: number;
  /** Keys of the runs this tick enqueued (a run another tick enqueued first is not here). */
  enqueued: string[];
  /** `owner/repo:task` of due tasks held back because the repository's budget for the day is spent. */
  held: string[];
  dashboards: number;
  failed: number;
}

// One cache per process: the tick job of any minute may land on this worker.
const sharedCache = new RepoConfigCache();

export async function runMaintenanceTick(deps: PipelineDeps, _job: MaintenanceTickJob, ctx: JobContext): Promise<JobResult> {
  const summary = await tickMaintenance(deps, { now: new Date(), signal: ctx.signal });
  return { outcome: `${summary.repositories} repositories, ${summary.enqueued.length} runs, ${summary.dashboards} dashboards` };
}

export async function tickMaintenance(
  deps: TickDeps,
  opts: { now: Date; cache?: RepoConfigCache; signal?: AbortSignal },
): Promise<TickSummary> {
  const cache = opts.cache ?? sharedCache;
  const summary: TickSummary = { repositories: 0, enqueued: [], held: [], dashboards: 0, failed: 0 };
  const installations = await listInstallationIds(await deps.appGithub());
  for (const installationId of installations) {
    let repos: RepoRef[];
    try {
      repos = await listInstallationRepositories(await deps.github(installationId));
    } catch (err) {
      summary.failed++;
      deps.log.warn({ installationId, err: (err as Error).message }, "maintenance tick: could not list the installation's repositories");
      continue;
    }
    for (const repo of repos) {
      if (opts.signal?.aborted) return summary;
      summary.repositories++;
      try {
        await tickRepository(deps, cache, installationId, repo, opts.now, summary);
      } catch (err) {
        summary.failed++;
        deps.log.warn({ repo: repo.fullName, err: (err as Error).message }, "maintenance tick: repository skipped");
      }
    }
  }
  return summary;
}

async function tickRepository(
  deps: TickDeps,
  cache: RepoConfigCache,
  installationId: number,
  repo: RepoRef,
  now: Date,
  summary: TickSummary,
): Promise<void> {
  const gh = await deps.github(installationId);
  const loaded = await cache.load(gh, repo);
  if (!wantsMaintenance(loaded)) return;
  if (loaded.result.ok) {
    const settings = loaded.result.config.maintenance;
    const lastPeriods = await lastScheduledPeriods(deps.db, repo.fullName);
    // Read once, and only when a task is due: a spent budget holds every due task until the next UTC day, in
    // the same period if it is still open (the run gate would refuse it, and use up the period's one run).
    let spent: boolean | undefined;
    for (const task of settings.tasks) {
      const check = checkTask(task, now, { repository: repo.fullName, lastPeriodKeyRun: lastPeriods.get(task.name) ?? null });
      if (check.status === "invalid")
        deps.log.warn({ repo: repo.fullName, task: task.name, err: check.error.message }, "maintenance task has an unusable schedule");
      if (check.status !== "due") continue;
      spent ??= budgetSpent(await maintenanceUsageToday(deps.db, { repo: repo.fullName, now }), settings);
      if (spent) {
        summary.held.push(`${repo.fullName}:${task.name}`);
        continue;
      }
      const subject = await taskRunSubject(deps.db, repo.fullName, settings, task, now);
      if (!subject.run) continue;
      const run = { installationId, repo, task: task.name, period: check.period.key, trigger: "schedule" as const };
      const { enqueued, key } = await enqueueMaintenanceRun(deps, {
        ...run,
        deliveryId: `schedule-${check.period.key}`,
        requestedBy: null,
        test: subject.test,
      });
      if (enqueued) {
        summary.enqueued.push(key);
        deps.log.info({ repo: repo.fullName, task: task.name, period: check.period.key, test: subject.test }, "maintenance run enqueued");
      }
    }
    if (!loaded.result.config.maintenance.dashboard.enabled) return;
  }
  const view = await buildDashboardView(deps.db, repo.fullName, loaded.result, now);
  const job: DashboardJob = {
    kind: "dashboard",
    key: dashboardRefreshKey(repo.fullName, viewFingerprint(view, loaded.textHash)),
    installationId,
    deliveryId: "tick",
    repo,
  };
  const { enqueued } = await submitJob(deps.db, deps.queue, job, { serialKey: dashboardTargetKey(repo.fullName), retryLimit: 1 });
  if (enqueued) summary.dashboards++;
}

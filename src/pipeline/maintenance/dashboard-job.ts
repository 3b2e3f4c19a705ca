// Renders a repository's dashboard issue, and acts on an edit of it: boxes ticked under "Run now" queue those
// tasks, if the person who ticked them may start work (`commands.permission`, asked of GitHub, never read from
// the payload). A refused tick runs nothing; the render puts every box back unticked and says, without naming
// anyone (no mention, no ping), that a request was refused; the log names who. Ticked boxes of tasks the current
// config does not have, or has disabled, are dropped the same way: the render only has boxes for real tasks.
import type { MaintenanceTask } from "../../config/maintenance-config.js";
import type { RepoConfig } from "../../config/repo-config.js";
import { upsertDashboardIssue } from "../../github/dashboard-issue.js";
import type { DashboardJob } from "../../jobs/types.js";
import type { JobContext, JobResult } from "../../jobs/worker/job-context.js";
import type { PipelineDeps } from "../deps.js";
import { authorizeRequester } from "../steps/authorize.js";
import { loadRepoConfig } from "../steps/load-config.js";
import { DASHBOARD_MARKER, DEFAULT_DASHBOARD_TITLE, renderDashboard } from "./dashboard.js";
import { tickedTasks } from "./dashboard-parse.js";
import { buildDashboardView } from "./dashboard-view.js";
import { enqueueMaintenanceRun } from "./enqueue-run.js";
import { taskRunSubject } from "./flaky-choice.js";

export type DashboardDeps = Pick<PipelineDeps, "db" | "queue" | "log" | "github" | "appSlug">;

export function refusedNote(permission: string): string {
  return `> [!NOTE]\n> A run-now request was refused: ticking a box needs \`${permission}\` permission on this repository. Nothing was run.\n`;
}

export function runDashboard(deps: PipelineDeps, job: DashboardJob, _ctx: JobContext): Promise<JobResult> {
  return renderDashboardJob(deps, job, new Date());
}

/** Takes the run-now requests of an edit (if any), then writes the dashboard issue. */
export async function renderDashboardJob(deps: DashboardDeps, job: DashboardJob, now: Date): Promise<JobResult> {
  const gh = await deps.github(job.installationId);
  const loaded = await loadRepoConfig(gh, job.repo);
  const config = loaded.ok ? loaded.config : null;
  if (config && !config.maintenance.dashboard.enabled) return { outcome: "dashboard disabled" };
  if (config && config.maintenance.tasks.length === 0 && !job.edit) return { outcome: "no maintenance tasks" };

  const notes: string[] = [];
  const queued: string[] = [];
  let refused = false;
  if (job.edit && config) {
    const wanted = requestedTasks(config, job.edit.previousBody, job.edit.body);
    if (wanted.length > 0) {
      const { sender } = job.edit;
      const permission = config.commands.permission;
      if (await authorizeRequester(gh, job.repo, sender, permission, null)) {
        for (const task of wanted) {
          const subject = await taskRunSubject(deps.db, job.repo.fullName, config.maintenance, task, now);
          if (!subject.run) {
            notes.push(`> [!NOTE]\n> ${task.name} was not run: ${subject.reason}.\n`);
            continue;
          }
          const run = { installationId: job.installationId, repo: job.repo, task: task.name, trigger: "dashboard" as const };
          await enqueueMaintenanceRun(deps, {
            ...run,
            period: `manual-${job.deliveryId}`,
            deliveryId: job.deliveryId,
            requestedBy: sender,
            test: subject.test,
          });
          queued.push(task.name);
        }
        deps.log.info({ repo: job.repo.fullName, sender, tasks: queued }, "dashboard: run-now queued");
      } else {
        refused = true;
        notes.push(refusedNote(permission));
        deps.log.info({ repo: job.repo.fullName, sender, tasks: wanted.map((t) => t.name), permission }, "dashboard: run-now refused");
      }
    }
  }

  const slug = await deps.appSlug();
  if (!slug) throw new Error("the App's slug is unknown (set APP_SLUG): the dashboard issue cannot be found without it");
  const view = await buildDashboardView(deps.db, job.repo.fullName, loaded, now);
  const body = [renderDashboard(view), ...notes].join("\n");
  const issue = await upsertDashboardIssue(gh, {
    owner: job.repo.owner,
    repo: job.repo.name,
    appSlug: slug,
    marker: DASHBOARD_MARKER,
    title: config?.maintenance.dashboard.title ?? DEFAULT_DASHBOARD_TITLE,
    body,
  });
  const verb = issue.created ? "created" : issue.updated ? "updated" : "unchanged";
  const parts = [`dashboard #${issue.number} ${verb}`];
  if (queued.length) parts.push(`queued ${queued.join(", ")}`);
  if (refused) parts.push(`refused: ${job.edit?.sender}`);
  return { outcome: parts.join("; "), links: { dashboard: issue.htmlUrl } };
}

/** Boxes that went from unticked to ticked, kept only for enabled tasks of the current config. */
function requestedTasks(config: RepoConfig, previousBody: string, body: string): MaintenanceTask[] {
  const enabled = new Map(config.maintenance.tasks.filter((t) => t.enabled).map((t) => [t.name, t]));
  return tickedTasks(previousBody, body).flatMap((name) => enabled.get(name) ?? []);
}

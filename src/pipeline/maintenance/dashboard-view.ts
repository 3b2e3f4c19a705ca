// What the dashboard shows, gathered from the config and the job records: one place, so the tick's "has
// anything changed?" fingerprint and the dashboard job's render read the same things.
import { createHash } from "node:crypto";
import type { ConfigResult } from "../../config/repo-config.js";
import type { Database } from "../../jobs/db.js";
import { latestMaintenancePullRequests, latestMaintenanceRuns } from "../../jobs/maintenance-history.js";
import { maintenanceUsageToday } from "../../jobs/maintenance-usage.js";
import type { DashboardTask, DashboardView } from "./dashboard.js";
import { flakyCandidates } from "./flaky-choice.js";
import { ScheduleError, taskPeriod } from "./schedule.js";

/** `\`maintenance.tasks.0.schedule\`: not valid …` (validateRepoConfig's form) → key and problem. */
export function configErrorEntries(errors: string[]): { key: string; problem: string }[] {
  return errors.map((error) => {
    const match = /^`([^`]*)`: ([\s\S]*)$/.exec(error);
    return match ? { key: match[1], problem: match[2] } : { key: "", problem: error };
  });
}

export async function buildDashboardView(db: Database, repo: string, result: ConfigResult, now: Date): Promise<DashboardView> {
  if (!result.ok) return { tasks: [], configErrors: configErrorEntries(result.errors) };
  const maintenance = result.config.maintenance;
  const [runs, pulls, usage] = await Promise.all([
    latestMaintenanceRuns(db, repo),
    latestMaintenancePullRequests(db, repo),
    // The same count the run's budget gate makes (runs refused in the gates spent nothing).
    maintenanceUsageToday(db, { repo, now }),
  ]);
  const tasks = maintenance.tasks.map((task): DashboardTask => {
    let nextRun: Date | null = null;
    let problem: string | null = null;
    try {
      nextRun = taskPeriod(task, now).next;
    } catch (error) {
      if (!(error instanceof ScheduleError)) throw error;
      problem = error.message;
    }
    const last = runs.get(task.name);
    const active = last?.status === "queued" || last?.status === "running";
    return {
      name: task.name,
      schedule: task.schedule,
      timezone: task.timezone,
      enabled: task.enabled,
      // A run still waiting shows as queued beside its box; the row keeps the last one that started.
      lastRun:
        last && !(last.status === "queued")
          ? { at: new Date(last.finishedAt ?? last.startedAt ?? last.createdAt), outcome: last.outcome ?? last.status }
          : null,
      openPullRequest: pulls.get(task.name) ?? null,
      nextRun,
      problem,
      queued: active,
    };
  });
  const chaser = maintenance.tasks.some((t) => t.preset === "flaky");
  const flaky = chaser
    ? {
        threshold: maintenance.flaky.threshold,
        windowDays: maintenance.flaky.window_days,
        tests: (await flakyCandidates(db, repo, maintenance, now)).map((t) => ({ test: t.test, failures: t.failures })),
      }
    : undefined;
  return {
    tasks,
    ...(flaky ? { flaky } : {}),
    budget: {
      runsToday: usage.runs,
      dailyRuns: maintenance.daily_runs,
      tokensToday: usage.tokens,
      dailyTokens: maintenance.daily_tokens,
    },
  };
}

/**
 * A short hash of everything the rendered dashboard shows, with the minute-free parts only (next run is the
 * period, not the clock): equal fingerprints render the same body, so the tick asks for a render only when
 * this changes.
 */
export function viewFingerprint(view: DashboardView, configHash: string): string {
  const plain = JSON.stringify({ configHash, view }, (_key, value: unknown) => (value instanceof Date ? value.toISOString() : value));
  return createHash("sha256").update(plain).digest("hex").slice(0, 20);
}

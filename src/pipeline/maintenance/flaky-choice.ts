// Which test a `flaky` task chases in a run: the one triage history shows failing flakily most often, over the
// task's threshold within its window, and not chased since those failures. One test per run, so the chaser
// keeps to its schedule like any task instead of opening a PR for every flaky test at once.
import type { MaintenanceConfig, MaintenanceTask } from "../../config/maintenance-config.js";
import type { Database } from "../../jobs/db.js";
import { flakyTests, type FlakyTest } from "../../jobs/triage-findings.js";

const DAY_MS = 24 * 60 * 60 * 1000;

/** The flaky tests over the threshold, most failures first (the dashboard lists a few, a run takes the first). */
export function flakyCandidates(db: Database, repo: string, settings: MaintenanceConfig, now: Date, limit = 5): Promise<FlakyTest[]> {
  const { threshold, window_days } = settings.flaky;
  return flakyTests(db, { repo, since: new Date(now.getTime() - window_days * DAY_MS), threshold, limit });
}

export type RunSubject = { run: true; test?: string } | { run: false; reason: string };

/** What a run of `task` works on now: nothing special, or for the flaky preset a test (none: no run). */
export async function taskRunSubject(
  db: Database,
  repo: string,
  settings: MaintenanceConfig,
  task: MaintenanceTask,
  now: Date,
): Promise<RunSubject> {
  if (task.preset !== "flaky") return { run: true };
  const [top] = await flakyCandidates(db, repo, settings, now, 1);
  if (!top)
    return {
      run: false,
      reason: `no test failed flakily ${settings.flaky.threshold} times in the last ${settings.flaky.window_days} days`,
    };
  return { run: true, test: top.test };
}

// The "Codex dispatch dashboard" issue of a repository: one row per maintenance task (schedule, last run,
// outcome, open PR, next run), a checkbox per task that runs it now, the configuration's problems and the day's
// budget. Everything in it that came from the repository (schedules, zones, error messages, outcomes) goes
// through src/text-safety, so it renders as inert text: no mention pings, no HTML, no link, no hidden comment,
// and so no forged run marker (the only HTML comments in the body are the ones written here).
import { DASHBOARD_MARKER } from "../../jobs/keys.js";
import { codeLine, sanitizeLine } from "../../text-safety/inline.js";

/** Finds the issue among the bot's own issues (kept with the keys: the issues.edited handler looks for it too). */
export { DASHBOARD_MARKER };
/** Only checkbox lines between these two markers are read back (see dashboard-parse.ts). */
export const RUN_NOW_START = "<!-- codex-dispatch:run-now:start -->";
export const RUN_NOW_END = "<!-- codex-dispatch:run-now:end -->";
export const DEFAULT_DASHBOARD_TITLE = "Codex dispatch dashboard";

/**
 * A task name that can sit in a hidden comment and a branch name (`codex/maintenance/<name>`): letters, digits
 * and single `.`, `_` or `-` between them, so never `--` (which would end the comment early).
 */
export const TASK_SLUG = /^[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*$/;

export function isTaskSlug(name: string): boolean {
  return name.length <= 64 && TASK_SLUG.test(name);
}

export function runMarker(name: string): string {
  return `<!-- codex-dispatch:run:${name} -->`;
}

export interface DashboardTask {
  name: string;
  schedule: string;
  timezone?: string;
  enabled?: boolean;
  lastRun?: { at: Date; outcome: string } | null;
  openPullRequest?: number | null;
  /** Absent for a disabled task or a schedule that cannot be used. */
  nextRun?: Date | null;
  /** Why the task cannot be scheduled (e.g. a ScheduleError's message). */
  problem?: string | null;
  /** A run-now request is waiting in the queue. */
  queued?: boolean;
}

export interface DashboardBudget {
  runsToday: number;
  /** Null: no limit. */
  dailyRuns: number | null;
  tokensToday: number;
  dailyTokens: number | null;
}

export interface DashboardFlaky {
  threshold: number;
  windowDays: number;
  /** Tests over the threshold, most flaky failures first (names from triage: untrusted). */
  tests: { test: string; failures: number }[];
}

export interface DashboardView {
  tasks: DashboardTask[];
  flaky?: DashboardFlaky;
  configErrors?: { key: string; problem: string }[];
  budget?: DashboardBudget;
}

const MAX_ERRORS = 20;
const DASH = "–";

/** Untrusted text as inline code inside a table cell: GFM splits cells at `|` even inside a code span. */
function codeCell(text: string, max = 100): string {
  return codeLine(text, max).replace(/\|/g, "\\|");
}

function zoneOrUtc(zone: string | undefined): string {
  if (!zone) return "UTC";
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return zone;
  } catch {
    return "UTC";
  }
}

/** `2025-03-30 03:30 Europe/Berlin`: in the task's own zone, the one its schedule is read in. */
function formatTime(at: Date, zone: string | undefined): string {
  const timeZone = zoneOrUtc(zone);
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("year")}-${part("month")}-${part("day")} ${part("hour")}:${part("minute")} ${sanitizeLine(timeZone, 64)}`;
}

function taskRow(task: DashboardTask): string {
  const zone = sanitizeLine(task.timezone ?? "UTC", 64);
  let schedule = `${codeCell(task.schedule, 64)} ${zone}`;
  if (task.enabled === false) schedule += " (disabled)";
  if (task.problem) schedule += ` ⚠️ ${sanitizeLine(task.problem, 200)}`;
  const last = task.lastRun ? formatTime(task.lastRun.at, task.timezone) : "never";
  const outcome = task.lastRun ? sanitizeLine(task.lastRun.outcome, 120) || DASH : DASH;
  const pr =
    task.openPullRequest && Number.isSafeInteger(task.openPullRequest) && task.openPullRequest > 0 ? `#${task.openPullRequest}` : DASH;
  const next = task.enabled !== false && task.nextRun ? formatTime(task.nextRun, task.timezone) : DASH;
  return `| ${codeCell(task.name, 64)} | ${schedule} | ${last} | ${outcome} | ${pr} | ${next} |`;
}

function runNowLines(tasks: DashboardTask[]): string[] {
  const runnable = tasks.filter((t) => t.enabled !== false && isTaskSlug(t.name));
  if (runnable.length === 0) return ["No task can be run now."];
  return [
    "Tick a box to run that task now on the default branch; the box clears itself once the run is queued.",
    "",
    RUN_NOW_START,
    ...runnable.map((t) => `- [ ] Run ${t.name} now${t.queued ? " (queued)" : ""} ${runMarker(t.name)}`),
    RUN_NOW_END,
  ];
}

function budgetLines(budget: DashboardBudget): string[] {
  const count = (n: number) => Math.max(0, Math.floor(n)).toLocaleString("en-US");
  const of = (used: number, limit: number | null) => (limit === null ? `${count(used)} (no limit)` : `${count(used)} of ${count(limit)}`);
  const spent =
    (budget.dailyRuns !== null && budget.runsToday >= budget.dailyRuns) ||
    (budget.dailyTokens !== null && budget.tokensToday >= budget.dailyTokens);
  return [
    "### Budget today",
    "",
    `- Runs: ${of(budget.runsToday, budget.dailyRuns)}`,
    `- Tokens: ${of(budget.tokensToday, budget.dailyTokens)}`,
    ...(spent ? ["- ⏸️ Budget spent: next runs tomorrow."] : []),
  ];
}

function flakyLines(flaky: DashboardFlaky): string[] {
  const head = [
    "### Flaky tests",
    "",
    `Tests that failed flakily (triage said so, or the workflow passed on the same commit) at least ${flaky.threshold} times in ${flaky.windowDays} days; the flaky task chases the first.`,
    "",
  ];
  if (flaky.tests.length === 0) return [...head, "None at the moment."];
  return [...head, ...flaky.tests.map((t) => `- ${codeLine(t.test, 150)}: ${Math.max(0, Math.floor(t.failures))} failures`)];
}

function configErrorLines(errors: { key: string; problem: string }[]): string[] {
  const shown = errors.slice(0, MAX_ERRORS).map((e) => `- ${codeLine(e.key || "(root)", 100)}: ${sanitizeLine(e.problem, 300)}`);
  const more = errors.length > MAX_ERRORS ? [`- …and ${errors.length - MAX_ERRORS} more`] : [];
  return [
    "### Configuration errors",
    "",
    "`.github/codex.yml` has problems; tasks it cannot read do not run until they are fixed.",
    "",
    ...shown,
    ...more,
  ];
}

/** The whole issue body; the marker comes first so the issue is found again even if the body is cut. */
export function renderDashboard(view: DashboardView): string {
  const lines = [DASHBOARD_MARKER, "Scheduled maintenance tasks from `.github/codex.yml`, run by Codex on the default branch.", ""];
  if (view.configErrors && view.configErrors.length > 0) lines.push(...configErrorLines(view.configErrors), "");
  lines.push("### Tasks", "");
  if (view.tasks.length === 0) {
    lines.push("No maintenance tasks are configured.");
  } else {
    lines.push("| Task | Schedule | Last run | Outcome | Pull request | Next run |", "| --- | --- | --- | --- | --- | --- |");
    lines.push(...view.tasks.map(taskRow), "", "### Run now", "", ...runNowLines(view.tasks));
  }
  if (view.flaky) lines.push("", ...flakyLines(view.flaky));
  if (view.budget) lines.push("", ...budgetLines(view.budget));
  return lines.join("\n") + "\n";
}

// When a scheduled maintenance task is due. Pure: the caller passes the time, so a tick on any worker, after any
// restart, reaches the same answer. A task's period is the time from one cron fire to the next (in the task's
// timezone); each period has a key (the ISO UTC time of its start) that goes into the job's singleton key, so
// many workers ticking at once enqueue a task once per period. A per-repository jitter spreads the starts of
// a thousand repositories over part of the period instead of the same second.
//
// cron-parser's `prev()` is wrong around DST switches (it skips the shifted run of a spring-forward day and
// returns both runs of a fall-back day) while its `next()` is right (the spring-forward run moves to the first
// valid minute; a repeated wall time runs once, at its first occurrence). So `prev()` only picks a starting
// point safely in the past, and every fire time we use comes from a chain of `next()` calls.
import { createHash } from "node:crypto";
import cronParser from "cron-parser";

/** The part of a configured task this module reads (structurally the config's task). */
export interface ScheduledTask {
  name: string;
  /** Five cron fields: minute hour day-of-month month day-of-week. */
  schedule: string;
  /** An IANA zone such as Europe/Berlin; absent means UTC. */
  timezone?: string;
  enabled?: boolean;
}

export type ScheduleProblem = "cron" | "timezone";

/** A schedule that cannot be used; the tick reports it (dashboard, log) and goes on with the other tasks. */
export class ScheduleError extends Error {
  readonly task: string;
  readonly problem: ScheduleProblem;

  constructor(task: string, problem: ScheduleProblem, detail: string) {
    super(`maintenance task ${task}: ${detail}`);
    this.name = "ScheduleError";
    this.task = task;
    this.problem = problem;
  }
}

export interface TaskPeriod {
  /** The latest fire time ≤ now. */
  start: Date;
  /** The first fire time > now. */
  next: Date;
  /** The start as ISO UTC (`2025-03-30T01:30:00.000Z`): fixed width, so keys sort as times do. */
  key: string;
  lengthMs: number;
}

/** Jitter never exceeds this (15 minutes) unless the caller asks otherwise. */
export const DEFAULT_MAX_JITTER_MS = 15 * 60_000;
// A DST switch moves wall time by at most an hour (30 minutes on Lord Howe); two hours of slack before the
// starting point keeps a fall-back day's first run inside the chain, so its repeat is never reached.
const DST_SLACK_MS = 2 * 3_600_000;
// Bounds the walk (a minutely cron walks ~120 steps); more means something is off, reported, not looped on.
const MAX_STEPS = 2_000;

function zoneOf(task: ScheduledTask): string {
  return task.timezone ?? "UTC";
}

/** Null when the zone is one Intl (and so luxon, under cron-parser) knows. */
function timezoneProblem(timeZone: string): string | null {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return null;
  } catch {
    return `unknown timezone ${JSON.stringify(timeZone)}`;
  }
}

type CronIterator = cronParser.CronExpression<false>;

function parse(task: ScheduledTask, currentDate: Date): CronIterator {
  const zone = zoneOf(task);
  const problem = timezoneProblem(zone);
  if (problem) throw new ScheduleError(task.name, "timezone", problem);
  // cron-parser also takes a seconds field and @aliases (which 4.x misreads): only the five standard fields.
  const fields = task.schedule.trim().split(/\s+/);
  if (fields.length !== 5) throw new ScheduleError(task.name, "cron", `schedule must have 5 cron fields, got ${fields.length}`);
  try {
    return cronParser.parseExpression(fields.join(" "), { tz: zone, currentDate });
  } catch (error) {
    throw new ScheduleError(task.name, "cron", `invalid schedule: ${(error as Error).message}`);
  }
}

/** Null when the schedule and timezone can be used, else what is wrong (for config checks). */
export function scheduleProblem(task: ScheduledTask): ScheduleError | null {
  try {
    computeTaskPeriod(task, new Date(Date.UTC(2024, 0, 1)));
    return null;
  } catch (error) {
    if (error instanceof ScheduleError) return error;
    throw error;
  }
}

/**
 * The task's current period at `now`, computed afresh (a few milliseconds: cron-parser 4 walks time minute by
 * minute in a zone). Throws ScheduleError for a schedule or timezone that cannot be used.
 */
export function computeTaskPeriod(task: ScheduledTask, now: Date): TaskPeriod {
  const nowMs = now.getTime();
  if (!Number.isFinite(nowMs)) throw new RangeError("taskPeriod: now is not a valid date");
  try {
    // One prev() step from just after now, less the slack: before the latest fire ≤ now even when prev()
    // returned a fall-back day's repeat (an hour after the real run).
    const anchor =
      parse(task, new Date(nowMs + 1))
        .prev()
        .getTime() - DST_SLACK_MS;
    const walk = parse(task, new Date(anchor));
    let start: number | undefined;
    for (let step = 0; step < MAX_STEPS; step++) {
      const fire = walk.next().getTime();
      if (fire > nowMs) {
        if (start === undefined) break;
        return { start: new Date(start), next: new Date(fire), key: new Date(start).toISOString(), lengthMs: fire - start };
      }
      start = fire;
    }
    throw new ScheduleError(task.name, "cron", "could not place the schedule's fire times around now");
  } catch (error) {
    if (error instanceof ScheduleError) throw error;
    // cron-parser throws plain errors for expressions that never fire or run out of dates.
    throw new ScheduleError(task.name, "cron", `invalid schedule: ${(error as Error).message}`);
  }
}

// A period holds for every `now` in [start, next), and repositories share schedules ("0 3 * * 1"), so a tick
// over thousands of tasks computes each distinct schedule about once per period instead of once per task.
const periods = new Map<string, TaskPeriod>();
const MAX_CACHED = 2_000;

/** The task's current period at `now` (see computeTaskPeriod), reused while `now` stays inside it. */
export function taskPeriod(task: ScheduledTask, now: Date): TaskPeriod {
  const cacheKey = `${zoneOf(task)}|${task.schedule.trim().split(/\s+/).join(" ")}`;
  const cached = periods.get(cacheKey);
  const nowMs = now.getTime();
  const copy = (p: TaskPeriod): TaskPeriod => ({ ...p, start: new Date(p.start), next: new Date(p.next) });
  if (cached && cached.start.getTime() <= nowMs && nowMs < cached.next.getTime()) return copy(cached);
  const period = computeTaskPeriod(task, now);
  periods.delete(cacheKey);
  if (periods.size >= MAX_CACHED) periods.delete(periods.keys().next().value as string);
  periods.set(cacheKey, period);
  return copy(period);
}

/**
 * A deterministic offset in [0, min(maxJitterMs, periodLengthMs / 10)) from a hash of `owner/repo#task`: the
 * same task of the same repository always waits as long, different ones spread, and the run stays early in
 * its period.
 */
export function taskJitterMs(repository: string, taskName: string, periodLengthMs: number, maxJitterMs = DEFAULT_MAX_JITTER_MS): number {
  const bound = Math.floor(Math.min(maxJitterMs, periodLengthMs / 10));
  if (!(bound > 0)) return 0;
  const digest = createHash("sha256").update(`${repository.toLowerCase()}#${taskName}`).digest();
  // 48 bits fit a double exactly; the fraction is in [0, 1).
  return Math.floor((digest.readUIntBE(0, 6) / 2 ** 48) * bound);
}

/** The pg-boss singleton key of one task's run in one period. */
export function periodSingletonKey(repository: string, taskName: string, periodKey: string): string {
  return `maintenance:${repository.toLowerCase()}#${taskName}@${periodKey}`;
}

export interface TaskCheckOptions {
  /** `owner/repo`: part of the jitter hash and the singleton key. */
  repository: string;
  /** The key of the last period this task ran in (or was enqueued for); absent when it never ran. */
  lastPeriodKeyRun?: string | null;
  maxJitterMs?: number;
}

export type TaskCheck =
  | { status: "disabled" }
  | { status: "invalid"; error: ScheduleError }
  /** Already run in this period, or the clock went back into a period before the last run. */
  | { status: "done"; period: TaskPeriod; dueAt: Date }
  /** Inside the period but before its jittered start. */
  | { status: "waiting"; period: TaskPeriod; dueAt: Date }
  | { status: "due"; period: TaskPeriod; dueAt: Date; singletonKey: string };

/**
 * What a tick should do with one task at `now`; never throws for a bad schedule. A task that never ran is due
 * in its current period (after its jitter). Periods are compared by time, not only by key: a clock that steps
 * back into an earlier period does not make that period due again.
 */
export function checkTask(task: ScheduledTask, now: Date, options: TaskCheckOptions): TaskCheck {
  if (task.enabled === false) return { status: "disabled" };
  let period: TaskPeriod;
  try {
    period = taskPeriod(task, now);
  } catch (error) {
    if (error instanceof ScheduleError) return { status: "invalid", error };
    throw error;
  }
  const dueAt = new Date(period.start.getTime() + taskJitterMs(options.repository, task.name, period.lengthMs, options.maxJitterMs));
  const last = options.lastPeriodKeyRun ? Date.parse(options.lastPeriodKeyRun) : Number.NaN;
  if (Number.isFinite(last) && period.start.getTime() <= last) return { status: "done", period, dueAt };
  if (now.getTime() < dueAt.getTime()) return { status: "waiting", period, dueAt };
  return { status: "due", period, dueAt, singletonKey: periodSingletonKey(options.repository, task.name, period.key) };
}

/** True when the tick should enqueue the task now. Throws ScheduleError for an unusable schedule. */
export function isDue(
  task: ScheduledTask,
  now: Date,
  lastPeriodKeyRun: string | null | undefined,
  options: Omit<TaskCheckOptions, "lastPeriodKeyRun">,
): boolean {
  const check = checkTask(task, now, { ...options, lastPeriodKeyRun });
  if (check.status === "invalid") throw check.error;
  return check.status === "due";
}

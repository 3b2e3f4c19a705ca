import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  checkTask,
  computeTaskPeriod,
  isDue,
  periodSingletonKey,
  ScheduleError,
  scheduleProblem,
  taskJitterMs,
  taskPeriod,
  type ScheduledTask,
} from "../../../src/pipeline/maintenance/schedule.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const repository = "acme/app";

function task(schedule: string, timezone?: string, name = "deps"): ScheduledTask {
  return { name, schedule, timezone, enabled: true };
}

// Computed afresh: the cache in taskPeriod would answer a second call inside one period without computing.
function period(t: ScheduledTask, now: string) {
  const p = computeTaskPeriod(t, new Date(now));
  return { start: p.start.toISOString(), next: p.next.toISOString(), key: p.key, lengthMs: p.lengthMs };
}

/** The calendar day of an instant in a zone, e.g. 2025-03-30. */
function dayIn(zone: string, at: Date): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).format(at);
}

/**
 * What a tick every `stepMinutes` on the (faked) system clock would enqueue between two instants, recording
 * the period it ran for as the worker does: one entry per enqueued run. The period holding `from` already ran.
 */
function simulateTicks(t: ScheduledTask, from: string, to: string, stepMinutes = 5): { at: Date; key: string }[] {
  const runs: { at: Date; key: string }[] = [];
  let last = computeTaskPeriod(t, new Date(from)).key;
  vi.setSystemTime(new Date(from));
  while (Date.now() <= Date.parse(to)) {
    const now = new Date();
    const check = checkTask(t, now, { repository, lastPeriodKeyRun: last });
    if (check.status === "due") {
      runs.push({ at: now, key: check.period.key });
      last = check.period.key;
    }
    vi.setSystemTime(Date.now() + stepMinutes * 60_000);
  }
  return runs;
}

describe("taskPeriod", () => {
  it("hourly: the period runs from the last full hour to the next, keyed by its start in UTC", () => {
    expect(period(task("0 * * * *"), "2025-06-10T10:37:12Z")).toEqual({
      start: "2025-06-10T10:00:00.000Z",
      next: "2025-06-10T11:00:00.000Z",
      key: "2025-06-10T10:00:00.000Z",
      lengthMs: HOUR,
    });
  });

  it("a fire time exactly at now starts the new period (the latest fire ≤ now)", () => {
    expect(period(task("0 * * * *"), "2025-06-10T11:00:00.000Z").start).toBe("2025-06-10T11:00:00.000Z");
    expect(period(task("0 * * * *"), "2025-06-10T10:59:59.999Z").start).toBe("2025-06-10T10:00:00.000Z");
  });

  it("daily in UTC (timezone absent)", () => {
    expect(period(task("30 2 * * *"), "2025-06-10T01:00:00Z")).toMatchObject({
      start: "2025-06-09T02:30:00.000Z",
      next: "2025-06-10T02:30:00.000Z",
      lengthMs: DAY,
    });
  });

  it("weekly on Monday 09:00 Berlin, and a week that holds the spring-forward switch is an hour short", () => {
    expect(period(task("0 9 * * 1", "Europe/Berlin"), "2025-04-02T12:00:00Z")).toMatchObject({
      start: "2025-03-31T07:00:00.000Z",
      next: "2025-04-07T07:00:00.000Z",
      lengthMs: 7 * DAY,
    });
    expect(period(task("0 9 * * 1", "Europe/Berlin"), "2025-03-30T12:00:00Z")).toMatchObject({
      start: "2025-03-24T08:00:00.000Z",
      next: "2025-03-31T07:00:00.000Z",
      lengthMs: 7 * DAY - HOUR,
    });
  });

  it("a rare schedule (29 February) finds its period years back", () => {
    expect(period(task("0 0 29 2 *"), "2025-10-26T00:50:00Z")).toMatchObject({
      start: "2024-02-29T00:00:00.000Z",
      next: "2028-02-29T00:00:00.000Z",
    });
  });

  it("Berlin spring forward: 02:30 does not exist on 30 March, the run moves to 03:30 CEST", () => {
    const t = task("30 2 * * *", "Europe/Berlin");
    expect(period(t, "2025-03-30T01:15:00Z")).toMatchObject({ start: "2025-03-29T01:30:00.000Z", next: "2025-03-30T01:30:00.000Z" });
    expect(period(t, "2025-03-30T12:00:00Z")).toMatchObject({ start: "2025-03-30T01:30:00.000Z", next: "2025-03-31T00:30:00.000Z" });
  });

  it("Berlin fall back: 02:30 happens twice on 26 October; both belong to one period, keyed by the first", () => {
    const t = task("30 2 * * *", "Europe/Berlin");
    const first = period(t, "2025-10-26T00:45:00Z"); // 02:45 CEST
    const repeat = period(t, "2025-10-26T01:45:00Z"); // 02:45 CET, the wall clock again
    expect(first.key).toBe("2025-10-26T00:30:00.000Z");
    expect(repeat.key).toBe(first.key);
    expect(repeat.next).toBe("2025-10-27T01:30:00.000Z");
  });
});

describe("one run per day across DST switches (ticks every 5 minutes on a faked clock)", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const cases = [
    { zone: "Europe/Berlin", cron: "30 2 * * *", from: "2025-03-28T12:00:00Z", to: "2025-04-01T12:00:00Z", days: 4 },
    { zone: "Europe/Berlin", cron: "30 2 * * *", from: "2025-10-24T12:00:00Z", to: "2025-10-28T12:00:00Z", days: 4 },
    { zone: "America/New_York", cron: "30 2 * * *", from: "2025-03-07T12:00:00Z", to: "2025-03-11T12:00:00Z", days: 4 },
    { zone: "America/New_York", cron: "30 1 * * *", from: "2025-10-31T12:00:00Z", to: "2025-11-04T12:00:00Z", days: 4 },
  ];
  for (const c of cases) {
    it(`${c.cron} in ${c.zone}, ${c.from.slice(0, 10)} → ${c.to.slice(0, 10)}`, () => {
      const runs = simulateTicks(task(c.cron, c.zone), c.from, c.to);
      const days = runs.map((r) => dayIn(c.zone, r.at));
      expect(days).toHaveLength(c.days);
      expect(new Set(days).size).toBe(c.days);
      expect(new Set(runs.map((r) => r.key)).size).toBe(c.days);
      // Each run starts within its jitter after the (possibly shifted) fire time, never before it.
      for (const run of runs) {
        const gap = run.at.getTime() - Date.parse(run.key);
        expect(gap).toBeGreaterThanOrEqual(0);
        expect(gap).toBeLessThan(15 * 60_000 + 5 * 60_000);
      }
    });
  }

  it("the spring-forward day runs (at 03:30 CEST plus jitter), the day is not skipped", () => {
    const runs = simulateTicks(task("30 2 * * *", "Europe/Berlin"), "2025-03-29T12:00:00Z", "2025-03-30T12:00:00Z");
    expect(runs.map((r) => r.key)).toEqual(["2025-03-30T01:30:00.000Z"]);
  });

  it("the fall-back day does not run again at the second 02:30", () => {
    const runs = simulateTicks(task("30 2 * * *", "Europe/Berlin"), "2025-10-26T00:00:00Z", "2025-10-26T23:00:00Z", 1);
    expect(runs.map((r) => r.key)).toEqual(["2025-10-26T00:30:00.000Z"]);
  });

  it("an hourly task in Berlin runs for each real hour of the 25-hour fall-back day", () => {
    const runs = simulateTicks(task("0 * * * *", "Europe/Berlin"), "2025-10-25T21:30:00Z", "2025-10-26T22:59:00Z");
    expect(runs).toHaveLength(25);
    expect(new Set(runs.map((r) => dayIn("Europe/Berlin", r.at)))).toEqual(new Set(["2025-10-26"]));
    expect(new Set(runs.map((r) => r.key)).size).toBe(25);
  });
});

describe("jitter", () => {
  it("stays in [0, min(max, period / 10)) and is the same for the same repository and task", () => {
    for (let i = 0; i < 500; i++) {
      const hourly = taskJitterMs(`org/repo-${i}`, "deps", HOUR);
      expect(hourly).toBeGreaterThanOrEqual(0);
      expect(hourly).toBeLessThan(HOUR / 10);
      const daily = taskJitterMs(`org/repo-${i}`, "deps", DAY);
      expect(daily).toBeLessThan(15 * 60_000);
      expect(taskJitterMs(`org/repo-${i}`, "deps", DAY, 60_000)).toBeLessThan(60_000);
    }
    expect(taskJitterMs("acme/app", "deps", DAY)).toBe(taskJitterMs("acme/app", "deps", DAY));
    expect(taskJitterMs("Acme/App", "deps", DAY)).toBe(taskJitterMs("acme/app", "deps", DAY));
  });

  it("spreads a thousand repositories over the window instead of one second", () => {
    const offsets = Array.from({ length: 1000 }, (_, i) => taskJitterMs(`org/repo-${i}`, "deps", DAY));
    const seconds = new Set(offsets.map((o) => Math.floor(o / 1000)));
    expect(seconds.size).toBeGreaterThan(500);
    expect(Math.min(...offsets)).toBeLessThan(60_000);
    expect(Math.max(...offsets)).toBeGreaterThan(14 * 60_000);
  });

  it("differs between tasks of one repository, and is 0 for a period too short to spread", () => {
    expect(taskJitterMs("acme/app", "deps", DAY)).not.toBe(taskJitterMs("acme/app", "docs", DAY));
    expect(taskJitterMs("acme/app", "deps", 5)).toBe(0);
  });

  it("a task is waiting until its jittered start, then due with a singleton key of repository, task and period", () => {
    const t = task("0 3 * * *");
    const start = Date.parse("2025-06-10T03:00:00Z");
    const jitter = taskJitterMs(repository, t.name, DAY);
    expect(jitter).toBeGreaterThan(0);
    expect(checkTask(t, new Date(start + jitter - 1), { repository })).toMatchObject({ status: "waiting" });
    const due = checkTask(t, new Date(start + jitter), { repository });
    expect(due).toMatchObject({ status: "due", singletonKey: "maintenance:acme/app#deps@2025-06-10T03:00:00.000Z" });
    expect(due.status === "due" && due.dueAt.getTime()).toBe(start + jitter);
    expect(periodSingletonKey("ACME/App", "deps", "k")).toBe("maintenance:acme/app#deps@k");
  });
});

describe("isDue and the clock", () => {
  const t = task("0 * * * *");
  const at = (iso: string) => new Date(iso);

  it("a task that never ran is due in its current period; after running it is not, until the next period", () => {
    expect(isDue(t, at("2025-06-10T10:30:00Z"), undefined, { repository })).toBe(true);
    expect(isDue(t, at("2025-06-10T10:50:00Z"), "2025-06-10T10:00:00.000Z", { repository })).toBe(false);
    expect(isDue(t, at("2025-06-10T11:30:00Z"), "2025-06-10T10:00:00.000Z", { repository })).toBe(true);
  });

  it("a clock stepped back inside the period gives the same key, not a new run", () => {
    const ran = taskPeriod(t, at("2025-06-10T10:40:00Z")).key;
    expect(taskPeriod(t, at("2025-06-10T10:20:00Z")).key).toBe(ran);
    expect(checkTask(t, at("2025-06-10T10:20:00Z"), { repository, lastPeriodKeyRun: ran }).status).toBe("done");
  });

  it("a clock stepped back into the previous period does not run that period again", () => {
    const ran = taskPeriod(t, at("2025-06-10T10:40:00Z")).key;
    const back = checkTask(t, at("2025-06-10T09:50:00Z"), { repository, lastPeriodKeyRun: ran });
    expect(back.status).toBe("done");
    expect(back.status === "done" && back.period.key).toBe("2025-06-10T09:00:00.000Z");
  });

  it("a disabled task is never due", () => {
    expect(checkTask({ ...t, enabled: false }, at("2025-06-10T10:30:00Z"), { repository })).toEqual({ status: "disabled" });
  });
});

describe("unusable schedules", () => {
  const now = new Date("2025-06-10T10:30:00Z");
  const bad: [string, string | undefined, string][] = [
    ["61 * * * *", undefined, "cron"],
    ["0 0 * * * *", undefined, "cron"], // six fields (seconds)
    ["@daily", undefined, "cron"],
    ["0 0 31 2 *", undefined, "cron"], // never fires
    ["not a cron at all", undefined, "cron"],
    ["0 3 * * *", "Mars/Olympus", "timezone"],
  ];
  for (const [schedule, timezone, problem] of bad) {
    it(`${JSON.stringify(schedule)} ${timezone ?? ""} → a ScheduleError (${problem}), and the tick goes on`, () => {
      const check = checkTask(task(schedule, timezone), now, { repository });
      expect(check.status).toBe("invalid");
      expect(check.status === "invalid" && check.error).toBeInstanceOf(ScheduleError);
      expect(check.status === "invalid" && check.error.problem).toBe(problem);
      expect(() => isDue(task(schedule, timezone), now, undefined, { repository })).toThrow(ScheduleError);
      expect(scheduleProblem(task(schedule, timezone))?.problem).toBe(problem);
    });
  }

  it("a usable schedule has no problem", () => {
    expect(scheduleProblem(task("*/15 9-17 * * 1-5", "America/New_York"))).toBeNull();
  });
});

describe("taskPeriod's cache", () => {
  it("answers like a fresh computation inside and after a period, and a caller's change to a date does not leak into it", () => {
    const t = task("0 9 * * 1", "Europe/Berlin");
    const first = taskPeriod(t, new Date("2025-04-02T12:00:00Z"));
    first.start.setTime(0);
    const again = taskPeriod(t, new Date("2025-04-03T12:00:00Z"));
    expect(again.key).toBe(computeTaskPeriod(t, new Date("2025-04-03T12:00:00Z")).key);
    expect(again.start.toISOString()).toBe("2025-03-31T07:00:00.000Z");
    expect(taskPeriod(t, new Date("2025-04-08T12:00:00Z")).key).toBe("2025-04-07T07:00:00.000Z");
  });
});

import type { Logger } from "probot";
import type { Database } from "../../jobs/db.js";
import { saveJobTiming, type JobTiming } from "../../jobs/job-timing.js";
import type { JobContext } from "../../jobs/worker/job-context.js";

/** Times one attempt of a job, phase by phase: what an operator reads to see where a job's minutes went. */
export interface PhaseClock {
  /** A step that may overlap others (the workspace while the logs download): its start and end. */
  span<T>(name: string, work: () => Promise<T>): Promise<T>;
  /** A moment (now, or `at` in ms since the epoch); the first mark of a name stays. */
  mark(name: string, at?: number): void;
}

const NO_CLOCK: PhaseClock = { span: (_name, work) => work(), mark: () => undefined };
const clocks = new WeakMap<JobContext, PhaseClock>();

/** The clock of a job's context; a context the pipeline did not wrap (a test's own) times nothing. */
export function phaseClockOf(ctx: JobContext): PhaseClock {
  return clocks.get(ctx) ?? NO_CLOCK;
}

/**
 * A context whose `setPhase` also times the phases (each lasts until the next one, the last until the job
 * ends; its first start is marked `phase:<name>`), with a clock for spans and marks; `finish` stores the timing in the record's meta and logs it.
 */
export function timedContext(ctx: JobContext, now: () => number = Date.now): { ctx: JobContext; finish(): JobTiming } {
  const started = now();
  const phases: Record<string, number> = {};
  const spans: Record<string, [number, number]> = {};
  const marks: Record<string, number> = {};
  let current: { name: string; since: number } | null = null;
  const closePhase = (at: number) => {
    if (current) phases[current.name] = (phases[current.name] ?? 0) + (at - current.since);
    current = null;
  };
  const clock: PhaseClock = {
    async span(name, work) {
      const from = now() - started;
      try {
        return await work();
      } finally {
        spans[name] = [from, now() - started];
      }
    },
    mark(name, at = now()) {
      marks[name] ??= at - started;
    },
  };
  const timed: JobContext = {
    ...ctx,
    async setPhase(phase) {
      const at = now();
      closePhase(at);
      current = { name: phase, since: at };
      marks[`phase:${phase}`] ??= at - started;
      await ctx.setPhase(phase);
    },
  };
  clocks.set(timed, clock);
  return {
    ctx: timed,
    finish() {
      closePhase(now());
      return { startedAt: new Date(started).toISOString(), phases, spans, marks };
    },
  };
}

/** Stores and logs an attempt's timing; losing it costs a measurement, never the job. */
export async function recordTiming(db: Database, log: Logger, ctx: JobContext, timing: JobTiming): Promise<void> {
  log.info({ job: ctx.key, attempt: ctx.attempt, phasesMs: timing.phases, spansMs: timing.spans }, "job timing");
  await saveJobTiming(db, ctx.key, ctx.attempt, timing).catch((err: unknown) => log.warn({ err }, "job timing not recorded"));
}

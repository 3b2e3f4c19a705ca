import type { TestContext } from "vitest";

/**
 * One row of the fault table that `npm run test:faults` prints: what a fault case did to the system and what came
 * out. A case records its row on its own test (vitest's task meta), and the table reporter
 * (test/faults/table-reporter.ts) collects the rows of every case that ran. Counts are read from the GitHub
 * stand-in and the database, never written by hand: a row says what happened, and the case's assertions decide
 * whether that is a loss or a duplicate.
 */
export interface FaultRow {
  /** The case, as the table shows it: "SIGKILL a worker mid-agent-run". */
  case: string;
  /** What the user saw, in a few words: "finished on worker 2", "clear failure comment". */
  outcome: string;
  comments: number;
  checkRuns: number;
  prs: number;
  /** Jobs that were accepted (a 2xx delivery, a queued job) and never ran to an end. */
  lost: number;
  /** Second comments, check runs, PRs or runs of one job. */
  duplicates: number;
}

declare module "vitest" {
  interface TaskMeta {
    faultRow?: FaultRow;
  }
}

export function recordFaultRow(ctx: Pick<TestContext, "task">, row: FaultRow): void {
  ctx.task.meta.faultRow = row;
}

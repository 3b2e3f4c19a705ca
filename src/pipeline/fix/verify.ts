import { runSandboxedCommand, type SandboxCommandResult } from "../../agent/sandbox-command.js";
import type { FixJob } from "../../jobs/types.js";
import type { JobContext } from "../../jobs/worker/job-context.js";
import type { PipelineDeps } from "../deps.js";
import type { VerifyOutcome } from "./render.js";

const VERIFY_TIMEOUT_MS = 10 * 60_000;

type VerifyRun = NonNullable<VerifyOutcome["after"]>;

/** Runs the repository's `fix.verify_command` in the sandbox, in the worktree, once. */
export async function runVerify(
  deps: PipelineDeps,
  ctx: JobContext,
  where: { cwd: string; jobDir: string },
  command: string,
): Promise<SandboxCommandResult> {
  return runSandboxedCommand({
    command,
    cwd: where.cwd,
    jobDir: where.jobDir,
    timeoutMs: VERIFY_TIMEOUT_MS,
    codexBin: deps.env.CODEX_BIN,
    signal: ctx.signal,
  });
}

/** How often a repeated command passed: `ran` falls short of the runs asked for when the time ran out. */
export interface RepeatCount {
  passed: number;
  ran: number;
}

// A flaky test's runs share one budget: a test that hangs must not hold the worker for runs × the usual limit.
const REPEAT_RUN_TIMEOUT_MS = 2 * 60_000;
const REPEAT_TOTAL_MS = 15 * 60_000;

/**
 * Runs `command` up to `runs` times (the flaky chaser's check). The result stands for all of them: it passes
 * only when every one of the `runs` runs passed; otherwise it is the first failing run (its output is the one
 * worth showing), or a time-out when the budget ran out before all runs were done.
 */
export async function runVerifyRepeated(
  deps: PipelineDeps,
  ctx: JobContext,
  where: { cwd: string; jobDir: string },
  command: string,
  runs: number,
): Promise<{ result: SandboxCommandResult; count: RepeatCount }> {
  const started = Date.now();
  const count: RepeatCount = { passed: 0, ran: 0 };
  let firstFailure: SandboxCommandResult | null = null;
  let last: SandboxCommandResult | null = null;
  while (count.ran < runs && Date.now() - started < REPEAT_TOTAL_MS && !ctx.signal.aborted) {
    last = await runSandboxedCommand({
      command,
      cwd: where.cwd,
      jobDir: where.jobDir,
      timeoutMs: Math.min(REPEAT_RUN_TIMEOUT_MS, REPEAT_TOTAL_MS - (Date.now() - started)),
      codexBin: deps.env.CODEX_BIN,
      signal: ctx.signal,
    });
    count.ran++;
    if (passes(last)) count.passed++;
    else firstFailure ??= last;
  }
  const durationMs = Date.now() - started;
  if (firstFailure) return { result: { ...firstFailure, durationMs }, count };
  if (count.ran < runs || !last)
    return {
      result: { exitCode: null, timedOut: true, output: `ran ${count.ran} of ${runs} times before the time limit`, durationMs },
      count,
    };
  return { result: { ...last, durationMs }, count };
}

function passes(r: { exitCode: number | null; timedOut: boolean }): boolean {
  return r.exitCode === 0 && !r.timedOut;
}

/** A CI fix is a fail → pass change: when the command already passes before it, the failure is not reproduced. */
export function failureNotReproduced(job: FixJob, before: VerifyRun): boolean {
  return job.origin.type === "triage" && passes(before);
}

/**
 * The policy: a change that leaves the repository's own check failing (or hanging) is not pushed, with one
 * exception: a maintainer's explicit `/codex <instruction>` on code whose check already failed before (the
 * request may be about something else); that PR says in its checks that it is not a ready fix.
 */
export function blockedByVerify(job: FixJob, verify: VerifyOutcome, after: VerifyRun): boolean {
  const stillFails = after.timedOut || after.exitCode !== 0;
  const passedBefore = verify.before?.exitCode === 0 && !verify.before.timedOut;
  return stillFails && (job.origin.type !== "command" || passedBefore);
}

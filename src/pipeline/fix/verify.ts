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

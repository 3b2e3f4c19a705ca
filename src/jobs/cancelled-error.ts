/**
 * The reason a job's signal carries when someone cancelled it (`/codex stop`, the `codex` label
 * removed). A handler tells it apart from a timeout or a stopping worker, whose reasons are plain
 * Errors: a cancel is said so on GitHub and never retried.
 */
export class JobCancelledError extends Error {
  override readonly name = "JobCancelledError";
  /** What the person who cancelled gave as the reason. */
  readonly reason: string;

  constructor(reason: string) {
    super(`the job was cancelled: ${reason}`);
    this.reason = reason;
  }
}

/** Whether an abort reason (e.g. `signal.reason`) is a cancel, as opposed to a timeout or a stop. */
export function isJobCancelled(reason: unknown): reason is JobCancelledError {
  return reason instanceof JobCancelledError;
}

export const DEFAULT_CANCEL_REASON = "cancelled on request";

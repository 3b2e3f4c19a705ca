/**
 * A failure no retry can mend (e.g. the App was uninstalled): the attempt records the job failed at once, with
 * `outcome`, and the queue neither retries it nor dead-letters it, so no give-up report is attempted either
 * (whatever made the job fail would make the report fail too). A handler throws it; anything else it throws
 * is retried as before.
 */
export class PermanentJobError extends Error {
  readonly outcome: string;

  constructor(message: string, outcome: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PermanentJobError";
    this.outcome = outcome;
  }
}

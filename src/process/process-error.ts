/** What went wrong with a run; every text field is already redacted, so it can be logged or posted as is. */
export interface ProcessFailure {
  /** The command line, redacted. */
  command: string;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  aborted: boolean;
  /** Why it could not be started (ENOENT, EACCES, a bad cwd), else null. */
  startError: string | null;
  /** stdout grew past the cap the caller set, and the group was killed. */
  tooMuchOutput: boolean;
  /** The tail of stderr, redacted. */
  stderr: string;
  /** The tail of stdout and stderr as they came, redacted. */
  output: string;
}

const MESSAGE_DETAIL_CHARS = 2000;

function why(f: ProcessFailure): string {
  if (f.timedOut) return "timed out";
  if (f.aborted) return "was cancelled";
  if (f.startError !== null) return "could not be started";
  if (f.tooMuchOutput) return "printed more than allowed";
  if (f.signal !== null) return `was killed by ${f.signal}`;
  return `exited with ${f.exitCode ?? "a signal"}`;
}

/** A child process that did not exit 0 (like renovate's ExecError): typed fields, redacted text only. */
export class ProcessError extends Error implements ProcessFailure {
  readonly command: string;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  readonly aborted: boolean;
  readonly startError: string | null;
  readonly tooMuchOutput: boolean;
  readonly stderr: string;
  readonly output: string;

  constructor(f: ProcessFailure, options?: ErrorOptions) {
    const detail = (f.stderr.trim() || f.startError || "").slice(-MESSAGE_DETAIL_CHARS);
    super(`${f.command} ${why(f)}${detail ? `: ${detail}` : ""}`, options);
    this.name = "ProcessError";
    this.command = f.command;
    this.exitCode = f.exitCode;
    this.signal = f.signal;
    this.timedOut = f.timedOut;
    this.aborted = f.aborted;
    this.startError = f.startError;
    this.tooMuchOutput = f.tooMuchOutput;
    this.stderr = f.stderr;
    this.output = f.output;
  }
}

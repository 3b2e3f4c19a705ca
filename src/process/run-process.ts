// The one place that starts child processes (git, codex, a repository's verify command, the doctor's checks).
// Every child gets the same treatment: its own process group, a wall-clock limit and a cancel signal that stop
// the whole group (SIGTERM, a grace period, SIGKILL), bounded memory for what it prints, and failures as a
// typed ProcessError whose text is redacted.
import { finished } from "node:stream/promises";
import { StringDecoder } from "node:string_decoder";
import type { Readable } from "node:stream";
import { execa } from "execa";
import { redactWith } from "../text-safety/redact.js";
import { OutputTail } from "./output-tail.js";
import { ProcessError, type ProcessFailure } from "./process-error.js";
import { ProcessGroup } from "./process-group.js";

export interface RunProcessOptions {
  cwd?: string;
  /** The child's whole environment: given, nothing of ours is inherited. Absent: ours. */
  env?: Record<string, string>;
  /** Run as another user (agent isolation); needs root. */
  uid?: number;
  gid?: number;
  /** Written to stdin, which is then closed. Absent: stdin is /dev/null, so nothing can wait on it. */
  input?: string | Buffer;
  /** Wall-clock limit; then the group is stopped and the run reports timedOut. */
  timeoutMs?: number;
  /** Aborting stops the group and the run reports aborted. Already aborted: nothing is started. */
  signal?: AbortSignal;
  /** Between SIGTERM and SIGKILL. Default 2 s. */
  killGraceMs?: number;
  /** Called with the child's pid, which is also its process group id. */
  onSpawn?: (pid: number) => void;
  /** Raw (unredacted) text as it arrives, decoded as UTF-8 without splitting characters. */
  onStdout?: (text: string) => void;
  onStderr?: (text: string) => void;
  /** Keep stdout whole (as bytes), up to maxStdoutBytes; otherwise only its tail is kept. */
  keepStdout?: boolean;
  /** Default 512 MiB; past it the group is killed and the run fails with tooMuchOutput. */
  maxStdoutBytes?: number;
  /** Characters kept of each tail (stdout, stderr, both). Default 4000. */
  tailChars?: number;
  /** Literal values redacted from the command line, the tails and the error besides the known patterns. */
  secrets?: string[];
  /** Throw a ProcessError unless the process exited 0 on its own. Default true. */
  reject?: boolean;
}

export interface ProcessResult extends Omit<ProcessFailure, "stderr" | "output"> {
  /** All of stdout when keepStdout, else empty. */
  stdout: Buffer;
  /** Redacted tails. */
  stdoutTail: string;
  stderrTail: string;
  /** stdout and stderr interleaved as they arrived. */
  outputTail: string;
  durationMs: number;
}

const DEFAULT_GRACE_MS = 2000;
const DEFAULT_TAIL_CHARS = 4000;
const DEFAULT_MAX_STDOUT = 512 * 1024 * 1024;

/** Runs `file args` (no shell) and waits for it and everything it started to be gone. */
export async function runProcess(file: string, args: readonly string[], opts: RunProcessOptions = {}): Promise<ProcessResult> {
  const secrets = opts.secrets ?? [];
  const started = Date.now();
  const tailChars = opts.tailChars ?? DEFAULT_TAIL_CHARS;
  const tails = { stdout: new OutputTail(tailChars), stderr: new OutputTail(tailChars), all: new OutputTail(tailChars) };
  const kept: Buffer[] = [];
  let keptBytes = 0;
  let tooMuchOutput = false;
  let stopReason: "timeout" | "abort" | undefined;

  const finish = (raw: { exitCode: number | null; signal: string | null; startError: string | null }): ProcessResult => {
    const result: ProcessResult = {
      command: redactWith([file, ...args].join(" "), secrets),
      ...raw,
      startError: raw.startError === null ? null : redactWith(raw.startError, secrets),
      timedOut: stopReason === "timeout",
      aborted: stopReason === "abort",
      tooMuchOutput,
      stdout: Buffer.concat(kept),
      stdoutTail: tails.stdout.read(secrets),
      stderrTail: tails.stderr.read(secrets),
      outputTail: tails.all.read(secrets),
      durationMs: Date.now() - started,
    };
    const ok = result.exitCode === 0 && !result.timedOut && !result.aborted && !tooMuchOutput;
    if (!ok && opts.reject !== false) throw new ProcessError({ ...result, stderr: result.stderrTail, output: result.outputTail });
    return result;
  };

  if (opts.signal?.aborted) {
    stopReason = "abort";
    return finish({ exitCode: null, signal: null, startError: null });
  }

  const child = execa(file, args, {
    cwd: opts.cwd,
    ...(opts.env && { env: opts.env, extendEnv: false }),
    ...(opts.uid !== undefined && { uid: opts.uid }),
    ...(opts.gid !== undefined && { gid: opts.gid }),
    ...(opts.input !== undefined ? { input: opts.input } : { stdin: "ignore" as const }),
    detached: true,
    reject: false,
    // We read the streams ourselves: execa's buffering keeps everything, and we keep a bounded tail.
    buffer: false,
    encoding: "buffer",
    stripFinalNewline: false,
  });
  const group = new ProcessGroup(child.pid, opts.killGraceMs ?? DEFAULT_GRACE_MS);
  if (child.pid !== undefined) opts.onSpawn?.(child.pid);
  // Once the child itself is gone, whatever it left in its group (a background job, a stuck helper holding our
  // pipes) goes too; bytes already in the pipes are still read to the end.
  child.on("exit", () => group.signal("SIGKILL"));

  const maxStdout = opts.maxStdoutBytes ?? DEFAULT_MAX_STDOUT;
  const read = (stream: Readable | null, name: "stdout" | "stderr", onText?: (text: string) => void) => {
    if (!stream) return Promise.resolve();
    const decoder = new StringDecoder("utf8");
    const take = (text: string) => {
      if (!text) return;
      tails[name].push(text);
      tails.all.push(text);
      onText?.(text);
    };
    stream.on("data", (chunk: Buffer) => {
      if (name === "stdout" && opts.keepStdout) {
        keptBytes += chunk.length;
        if (keptBytes > maxStdout) {
          tooMuchOutput = true;
          group.signal("SIGKILL");
        } else kept.push(chunk);
      }
      take(decoder.write(chunk));
    });
    return finished(stream).then(
      () => take(decoder.end()),
      () => take(decoder.end()),
    );
  };
  const reading = Promise.all([read(child.stdout, "stdout", opts.onStdout), read(child.stderr, "stderr", opts.onStderr)]);

  const stop = (reason: "timeout" | "abort") => {
    stopReason ??= reason;
    group.stop();
  };
  const limit = opts.timeoutMs !== undefined ? setTimeout(() => stop("timeout"), opts.timeoutMs) : undefined;
  const onAbort = () => stop("abort");
  opts.signal?.addEventListener("abort", onAbort, { once: true });

  try {
    const [result] = await Promise.all([child, reading]);
    // execa reports a child it could not start as failed with neither an exit code nor a signal.
    const notStarted = result.failed && result.exitCode === undefined && result.signal === undefined;
    return finish({
      exitCode: result.exitCode ?? null,
      signal: result.signal ?? null,
      startError: notStarted ? result.originalMessage || result.shortMessage || "spawn failed" : null,
    });
  } finally {
    clearTimeout(limit);
    opts.signal?.removeEventListener("abort", onAbort);
    group.dispose();
    group.signal("SIGKILL");
  }
}

// What `ask` and `triage --log` share on the command line: streams, stdin, Ctrl-C, the one-line errors.
import { LocalUsageError } from "../local/throwaway-worktree.js";

export interface LocalIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Default: process.stdin. */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
}

export const MODEL_NAME = /^[A-Za-z0-9._:/[\]-]+$/;

export function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => stream.write(text, (err) => (err ? reject(err) : resolve())));
}

export async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString("utf8");
}

/** Minutes from the command line as milliseconds, or an error message. */
export function timeoutMs(value: string | undefined, fallbackMinutes: number): number | string {
  if (value === undefined) return fallbackMinutes * 60_000;
  const minutes = Number(value);
  if (!Number.isFinite(minutes) || minutes <= 0 || minutes > 240)
    return `--timeout-minutes must be a number of minutes from 1 to 240, got ${value}`;
  return Math.round(minutes * 60_000);
}

/**
 * Runs `work` with an AbortSignal that Ctrl-C (SIGINT) and SIGTERM fire: the agent's process group is stopped
 * and the throw-away checkout removed before the command returns. Usage errors become exit code 2.
 */
export async function withCancel(io: LocalIo, what: string, work: (signal: AbortSignal) => Promise<number>): Promise<number> {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  try {
    return await work(controller.signal);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await write(io.stderr, `${what}: ${message.split("\n")[0]}\n`);
    return error instanceof LocalUsageError ? 2 : 1;
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
}

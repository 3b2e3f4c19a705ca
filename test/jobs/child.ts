import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const LOADER = fileURLToPath(new URL("./fixtures/ts-loader.mjs", import.meta.url));
const SCRIPT = fileURLToPath(new URL("./fixtures/worker-child.ts", import.meta.url));

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ChildEvent = { event: string; [k: string]: any };

/** A worker process running test/jobs/fixtures/worker-child.ts, with its stdout events collected. */
export interface Child {
  proc: ChildProcess;
  events: ChildEvent[];
  stderr(): string;
  waitForEvent(match: (e: ChildEvent) => boolean, what: string, timeoutMs?: number): Promise<ChildEvent>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `script`: another fixture that speaks the same one-JSON-object-a-line protocol (graceful-child.ts). */
export function startChild(env: Record<string, string>, script = SCRIPT): Child {
  const proc = spawn(process.execPath, ["--import", LOADER, script], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const events: ChildEvent[] = [];
  let err = "";
  let buffer = "";
  const waiters = new Set<() => void>();
  proc.stdout!.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    let nl: number;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      try {
        events.push(JSON.parse(line) as ChildEvent);
      } catch {
        err += `[stdout] ${line}\n`;
      }
      for (const w of waiters) w();
    }
  });
  proc.stderr!.on("data", (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on("exit", (code, signal) => {
      for (const w of waiters) w();
      resolve({ code, signal });
    }),
  );
  return {
    proc,
    events,
    stderr: () => err,
    exited,
    waitForEvent(match, what, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = events.find(match);
          if (found) {
            done();
            resolve(found);
          } else if (proc.exitCode !== null || proc.signalCode !== null) {
            done();
            reject(new Error(`worker child exited (${proc.exitCode ?? proc.signalCode}) before ${what}\n${err}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`timed out waiting for ${what}\n${err}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
  };
}

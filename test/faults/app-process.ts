// One real app process of the fault suite: `node dist/src/main.js` with a role and a production environment,
// its JSON log lines kept (to know which worker started which job) and its exit awaited. Built code, not the
// TypeScript sources: the suite tests what `npm start` runs.
import { spawn, type ChildProcess } from "node:child_process";
import { access } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const MAIN_JS = path.join(REPO_ROOT, "dist/src/main.js");

/** A pino line as the app writes it with LOG_FORMAT=json (only the fields the suite reads). */
export interface LogLine {
  level?: number;
  msg?: string;
  key?: string;
  [field: string]: unknown;
}

export interface AppProcess {
  /** "web", "worker-1", "worker-2", …: how the table and error messages name it. */
  name: string;
  role: "web" | "worker";
  pid: number;
  /** Every JSON log line so far; non-JSON output is kept as { msg: <the text> }. */
  logs: LogLine[];
  /** Resolves when the process has exited (code or signal). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first log line `match` accepts; rejects when the process exits first or after `timeoutMs`. */
  waitForLog(match: (line: LogLine) => boolean, what: string, timeoutMs?: number): Promise<LogLine>;
  kill(signal: NodeJS.Signals): void;
  /** False once the process has exited. */
  isRunning(): boolean;
  /** The last lines of output, for a failure message. */
  tail(lines?: number): string;
}

/** Fails with a clear message when the build is missing: `npm test` and `npm run test:faults` build before vitest. */
export async function assertBuilt(): Promise<void> {
  await access(MAIN_JS).catch(() => {
    throw new Error(
      `${MAIN_JS} is missing: the fault suite runs the built app. Run \`npm run build\` first (npm test and npm run test:faults do).`,
    );
  });
}

export function startAppProcess(name: string, role: "web" | "worker", env: Record<string, string>): AppProcess {
  const child: ChildProcess = spawn(process.execPath, [MAIN_JS], {
    cwd: REPO_ROOT,
    // Only what the app is given: no inherited TEST_* or vitest variables, as in a container.
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/root", NODE_ENV: "production", ROLE: role, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (child.pid === undefined) throw new Error(`could not start ${name}`);
  const logs: LogLine[] = [];
  const waiters = new Set<() => void>();
  const onText = (chunk: Buffer) => {
    for (const text of chunk.toString("utf8").split("\n")) {
      if (!text.trim()) continue;
      try {
        logs.push(JSON.parse(text) as LogLine);
      } catch {
        logs.push({ msg: text });
      }
    }
    for (const w of waiters) w();
  };
  child.stdout?.on("data", onText);
  child.stderr?.on("data", onText);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => {
      resolve({ code, signal });
      for (const w of waiters) w();
    });
  });
  let done = false;
  void exited.then(() => (done = true));
  const tail = (n = 30) =>
    logs
      .slice(-n)
      .map((l) => JSON.stringify(l))
      .join("\n");

  return {
    name,
    role,
    pid: child.pid,
    logs,
    exited,
    tail,
    kill: (signal) => void child.kill(signal),
    isRunning: () => !done,
    waitForLog(match, what, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        let seen = 0;
        const check = () => {
          for (; seen < logs.length; seen++) {
            if (match(logs[seen])) return finish(() => resolve(logs[seen]));
          }
          if (done) finish(() => reject(new Error(`${name} exited before ${what}:\n${tail()}`)));
        };
        const timer = setTimeout(
          () => finish(() => reject(new Error(`${name}: no ${what} within ${timeoutMs} ms:\n${tail()}`))),
          timeoutMs,
        );
        const finish = (settle: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          settle();
        };
        waiters.add(check);
        check();
      });
    },
  };
}

import { waitAtMost } from "./jobs/worker/wait-at-most.js";
import type { StopOptions } from "./jobs/worker/start-worker.js";

export interface ShutdownLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface ShutdownParts {
  log: ShutdownLog;
  graceMs: number;
  /** The web role: stop accepting connections; resolves when the requests in flight have been answered. */
  stopWeb?: () => Promise<void>;
  /** The worker roles: stop fetching, let running jobs finish within the grace, hand back the rest. */
  drain(opts: StopOptions): Promise<void>;
  /** After both: close the queue, the database and the worker's health server. */
  close(): Promise<void>;
  exit(code: number): void;
}

/**
 * Graceful shutdown on `signals`: the web role stops accepting and lets in-flight webhooks finish (they
 * enqueue, so the queue closes only after them); workers take no new job and give running agents
 * `graceMs`; then everything closes and the process exits 0. A second signal ends the grace at once (the
 * running jobs are still handed back, not lost).
 * @returns the shutdown as a function, for the signal handlers and for tests.
 */
export function handleShutdownSignals(parts: ShutdownParts, signals: NodeJS.Signals[]): (signal: string) => void {
  const { log } = parts;
  const now = new AbortController();
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      log.warn({ signal }, "second signal: stopping running jobs now");
      now.abort();
      return;
    }
    stopping = true;
    log.info({ signal, graceSeconds: parts.graceMs / 1000 }, "shutting down");
    void (async () => {
      const web = parts.stopWeb
        ? waitAtMost(parts.stopWeb(), parts.graceMs, now.signal).then((done) => {
            if (!done) log.warn({}, "requests still in flight when the grace period ended");
          })
        : Promise.resolve();
      await Promise.all([web, parts.drain({ graceMs: parts.graceMs, now: now.signal })]);
      await parts.close();
      log.info({ signal }, "stopped");
      parts.exit(0);
    })().catch((err: unknown) => {
      log.error({ err: err instanceof Error ? err.message : String(err) }, "shutdown failed");
      parts.exit(1);
    });
  };
  for (const s of signals) process.on(s, () => shutdown(s));
  return shutdown;
}

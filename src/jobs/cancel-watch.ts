import { JobCancelledError } from "./cancelled-error.js";
import type { Database } from "./db.js";
import type { JobsLog } from "./log.js";
import { SCHEMA } from "./migrations.js";

export interface CancelWatch {
  /** Starts watching `key`: a cancel request in its record aborts `controller` with a JobCancelledError. */
  add(key: string, controller: AbortController): void;
  remove(key: string): void;
  stop(): void;
}

/**
 * Notices cancel requests for the jobs this process runs. A cancel may come from any process (the web
 * process that got `/codex stop`), so the request lives in the job record and the worker polls for it:
 * one query per tick for all its running jobs, and no ticks at all while it runs none.
 */
export function watchForCancels(db: Database, intervalMs: number, log: JobsLog): CancelWatch {
  const watched = new Map<string, AbortController>();
  let timer: NodeJS.Timeout | null = null;
  let busy = false;

  const tick = async () => {
    // A slow database must not pile up queries: skip a tick while the previous one runs.
    if (busy || watched.size === 0) return;
    busy = true;
    try {
      const { rows } = await db.query<{ key: string; cancel_reason: string | null }>(
        `SELECT key, cancel_reason FROM ${SCHEMA}.job_records
         WHERE key = ANY($1::text[]) AND cancel_requested_at IS NOT NULL`,
        [[...watched.keys()]],
      );
      for (const row of rows) {
        const controller = watched.get(row.key);
        if (!controller || controller.signal.aborted) continue;
        log.info({ key: row.key, reason: row.cancel_reason }, "job cancel requested");
        controller.abort(new JobCancelledError(row.cancel_reason ?? "cancelled on request"));
      }
    } catch (err) {
      log.error({ err: { message: (err as Error).message } }, "cancel poll failed");
    } finally {
      busy = false;
    }
  };

  const update = () => {
    if (watched.size > 0 && !timer) {
      timer = setInterval(() => void tick(), intervalMs);
      // Watching must never keep a process alive on its own.
      timer.unref();
    } else if (watched.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };

  return {
    add(key, controller) {
      watched.set(key, controller);
      update();
    },
    remove(key) {
      watched.delete(key);
      update();
    },
    stop() {
      watched.clear();
      update();
    },
  };
}

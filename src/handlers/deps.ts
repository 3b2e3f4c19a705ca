import type { Database } from "../jobs/db.js";
import type { JobQueue } from "../jobs/queue.js";

export interface HandlerDeps {
  db: Database;
  queue: JobQueue;
  /** The App's own identity, so that its own events and check runs are never triaged. */
  appId?: number;
  appSlug?: string;
}

/** Failed conclusions worth a triage; cancelled, skipped and neutral runs are not failures of the code. */
export const FAILED_CONCLUSIONS = new Set(["failure", "timed_out"]);

export function isOwnSender(deps: HandlerDeps, sender: { login: string; type: string }): boolean {
  return sender.type === "Bot" && deps.appSlug !== undefined && sender.login === `${deps.appSlug}[bot]`;
}

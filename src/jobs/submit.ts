import type { Database } from "./db.js";
import { enqueueOnce } from "./enqueue.js";
import type { Delivery } from "./ledger.js";
import type { JobQueue } from "./queue.js";
import type {
  AskJob,
  CommandJob,
  DashboardJob,
  FixJob,
  PlanJob,
  PlanWriteJob,
  RaceJudgeJob,
  SecondOpinionJob,
  TriageJob,
} from "./types.js";

export type AnyJob = TriageJob | FixJob | AskJob | CommandJob | DashboardJob | SecondOpinionJob | RaceJudgeJob | PlanWriteJob | PlanJob;

/**
 * Puts a typed job on the queue, at most once per key. `serialKey` (an issue or PR) makes it wait for the
 * work already running there; `meta` is what the records are searched by (branch, sha, issue).
 */
export function submitJob(
  db: Database,
  queue: JobQueue,
  job: AnyJob,
  opts: { meta?: Record<string, unknown>; serialKey?: string; retryLimit?: number; delivery?: Delivery } = {},
): Promise<{ enqueued: boolean; id: string }> {
  return enqueueOnce(
    db,
    queue,
    { key: job.key, kind: job.kind, repo: job.repo.fullName, data: job, meta: opts.meta },
    {
      serialKey: opts.serialKey,
      delivery: opts.delivery,
      ...(opts.retryLimit !== undefined ? { retryLimit: opts.retryLimit } : {}),
    },
  );
}

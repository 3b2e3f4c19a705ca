import { z } from "zod";
import type { Database } from "./db.js";
import { rowToJobRecord, SELECT_JOB_RECORDS, type JobRecord } from "./records.js";

const ArgsSchema = z.object({
  repo: z.string().min(1, "repo is empty"),
  target: z.string().min(1, "target (serial key) is empty"),
});

/**
 * The queued and running jobs of one target (the serial key given to enqueueOnce, e.g. "owner/repo#12"),
 * oldest first: the running one (if any), then those waiting their turn. `/codex stop` and the removal
 * of the `codex` label use it to find what to cancel.
 */
export async function findActiveJobs(db: Database, opts: { repo: string; target: string }): Promise<JobRecord[]> {
  const o = ArgsSchema.parse(opts);
  const { rows } = await db.query(
    `${SELECT_JOB_RECORDS} WHERE repo = $1 AND target = $2 AND status IN ('queued', 'running')
     ORDER BY seq, created_at, id`,
    [o.repo, o.target],
  );
  return rows.map(rowToJobRecord);
}

import { z } from "zod";
import type { Database } from "./db.js";
import { SELECT_JOB_RECORDS, rowToJobRecord, type JobRecord } from "./records.js";

// A task of the MCP server (src/mcp/) is an ordinary job (fix, explain, triage) whose record carries
// `meta.task`: its id. Records are found by that id, never by a key a caller could build.

/** The job key of a task: one job per task id, ever. */
export function taskKey(repoFullName: string, taskId: string): string {
  return `task:${repoFullName.toLowerCase()}:${taskId}`;
}

const TaskId = z.string().regex(/^[a-z0-9]{8,32}$/);

/** The record of a task, or null when the id is not one (or is not shaped like one). */
export async function findTaskRecord(db: Database, taskId: string): Promise<JobRecord | null> {
  const id = TaskId.safeParse(taskId);
  if (!id.success) return null;
  const { rows } = await db.query(`${SELECT_JOB_RECORDS} WHERE meta->>'task' = $1 AND key LIKE 'task:%'`, [id.data]);
  return rows.length ? rowToJobRecord(rows[0]) : null;
}

/** Tasks newest first; `repos` (lower-case "owner/name") and `owners` (lower-case) say which may be listed. */
export async function listTaskRecords(db: Database, opts: { repos: string[]; owners: string[]; limit: number }): Promise<JobRecord[]> {
  const { rows } = await db.query(
    `${SELECT_JOB_RECORDS} WHERE meta ? 'task' AND key LIKE 'task:%'
       AND (lower(repo) = ANY($1::text[]) OR split_part(lower(repo), '/', 1) = ANY($2::text[]))
     ORDER BY created_at DESC, id LIMIT $3`,
    [opts.repos, opts.owners, Math.min(Math.max(opts.limit, 1), 200)],
  );
  return rows.map(rowToJobRecord);
}

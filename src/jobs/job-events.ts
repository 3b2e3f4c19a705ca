// The agent's timeline of a job (migration 13): written by the agent step as events arrive, read by the
// dashboard's job page and streamed to it while the job runs. Text arrives here already cleaned and shortened
// (pipeline/steps/timeline.ts); this file only stores and reads rows.
import { z } from "zod";
import type { Database } from "./db.js";
import { SCHEMA } from "./migrations.js";

export const JOB_EVENT_TYPES = ["start", "command", "files", "message", "error", "usage", "truncated"] as const;
export type JobEventType = (typeof JOB_EVENT_TYPES)[number];

export interface JobEvent {
  seq: number;
  at: string;
  type: JobEventType;
  text: string;
  exitCode: number | null;
}

/** A row's text is capped again here: whatever the caller did, one event cannot grow the table without bound. */
export const MAX_EVENT_TEXT = 2000;

const NewEvent = z.object({
  jobKey: z.string().min(1).max(500),
  type: z.enum(JOB_EVENT_TYPES),
  text: z.string().transform((t) => t.slice(0, MAX_EVENT_TEXT)),
  exitCode: z.number().int().nullable(),
});

export async function insertJobEvent(db: Database, event: z.input<typeof NewEvent>): Promise<void> {
  const e = NewEvent.parse(event);
  await db.query(`INSERT INTO ${SCHEMA}.job_events (job_key, type, text, exit_code) VALUES ($1, $2, $3, $4)`, [
    e.jobKey,
    e.type,
    e.text,
    e.exitCode,
  ]);
}

/** The job's events after `afterSeq` (0: from the start), oldest first. */
export async function listJobEvents(db: Database, jobKey: string, afterSeq = 0, limit = 1000): Promise<JobEvent[]> {
  const { rows } = await db.query(
    `SELECT seq, at, type, text, exit_code FROM ${SCHEMA}.job_events WHERE job_key = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
    [jobKey, afterSeq, limit],
  );
  return rows.map((r: { seq: unknown; at: unknown; type: JobEventType; text: string; exit_code: unknown }) => ({
    seq: Number(r.seq),
    at: new Date(r.at as string).toISOString(),
    type: r.type,
    text: r.text,
    exitCode: r.exit_code == null ? null : Number(r.exit_code),
  }));
}

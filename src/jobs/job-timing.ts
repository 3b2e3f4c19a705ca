import { z } from "zod";
import type { Database } from "./db.js";
import { SCHEMA } from "./migrations.js";

/**
 * Where one attempt's time went, as the pipeline measured it: `phases` are the job's status phases one after
 * the other (ms each), `spans` steps that may overlap ([start, end] in ms from `startedAt`), `marks` moments
 * (ms from `startedAt`). Kept in the record's meta so that an operator (and bench:pipeline) can read it.
 */
export const JobTimingSchema = z.object({
  startedAt: z.iso.datetime(),
  phases: z.record(z.string(), z.number().nonnegative()),
  spans: z.record(z.string(), z.tuple([z.number(), z.number()])),
  marks: z.record(z.string(), z.number()),
});
export type JobTiming = z.infer<typeof JobTimingSchema>;

/**
 * Merges `timing` into the record's meta (the other meta keys, e.g. the branch a budget counts by, stay),
 * only while the record is still at `attempt`: a late write from an expired attempt must not overwrite a newer one.
 */
export async function saveJobTiming(db: Database, key: string, attempt: number, timing: JobTiming): Promise<void> {
  const t = JobTimingSchema.parse(timing);
  await db.query(
    `UPDATE ${SCHEMA}.job_records SET meta = COALESCE(meta, '{}'::jsonb) || jsonb_build_object('timing', $2::jsonb)
     WHERE key = $1 AND attempts = $3`,
    [key, JSON.stringify(t), attempt],
  );
}

/** The timing of a job's record, or null when it has none (never ran, or ran before timing was recorded). */
export function timingOf(meta: Record<string, unknown>): JobTiming | null {
  const parsed = JobTimingSchema.safeParse(meta.timing);
  return parsed.success ? parsed.data : null;
}

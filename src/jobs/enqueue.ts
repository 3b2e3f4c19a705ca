import { z } from "zod";
import type { Database } from "./db.js";
import type { JobEnvelope } from "./envelope.js";
import { jobIdForKey } from "./job-id.js";
import { DeliverySchema, type Delivery } from "./ledger.js";
import { SCHEMA } from "./migrations.js";
import { assertKind, type JobQueue, type SendOptions } from "./queue.js";

const JobSchema = z.object({
  key: z.string().min(1, "job key is empty").max(500, "job key is longer than 500 characters"),
  kind: z.string(),
  repo: z.string().min(1, "job repo is empty"),
  data: z.record(z.string(), z.unknown()),
  meta: z.record(z.string(), z.unknown()).optional(),
});

export type NewJob = z.input<typeof JobSchema>;

const SerialKeySchema = z.string().min(1, "serialKey is empty").max(300, "serialKey is longer than 300 characters").optional();

export type EnqueueOptions = Omit<SendOptions, "id"> & {
  /**
   * Jobs with the same serial key (e.g. "owner/repo#12": one issue or PR) run one at a time, in the
   * order they were enqueued, across all worker processes; a second command while one runs waits
   * behind it. Stored as the record's `target` (see findActiveJobs). Waiting does not spend retries.
   */
  serialKey?: string;
  /**
   * The webhook delivery this job comes from: its ledger row is written by the same statement as the job record
   * (a data-modifying CTE), one round trip instead of two on the ingress path. PGlite runs every statement on the
   * thread that answers GitHub, so a statement saved there is latency saved for every delivery queued behind it.
   */
  delivery?: Delivery;
};

/**
 * Enqueues a job AT MOST ONCE per key, ever. A redelivered webhook, a re-sent event, or the same CI
 * failure reported through check_run, check_suite and workflow_run all map to one key, and the
 * record's unique key lets exactly one of them through, even when they arrive at the same moment.
 *
 * The record is written first, so the worker always finds it. If the send to pg-boss fails, the record
 * is removed again and the error rethrown: the webhook fails, and a redelivery can try again.
 */
export async function enqueueOnce(
  db: Database,
  queue: JobQueue,
  job: NewJob,
  opts: EnqueueOptions = {},
): Promise<{ enqueued: boolean; id: string }> {
  const j = JobSchema.parse(job);
  assertKind(j.kind);
  const { serialKey: rawSerialKey, delivery: rawDelivery, ...sendOpts } = opts;
  const serialKey = SerialKeySchema.parse(rawSerialKey);
  const delivery = rawDelivery === undefined ? undefined : DeliverySchema.parse(rawDelivery);
  const id = jobIdForKey(j.key);
  const record = [id, j.key, j.kind, j.repo, JSON.stringify(j.data), JSON.stringify(j.meta ?? {}), serialKey ?? null];
  const insertRecord = `INSERT INTO ${SCHEMA}.job_records (id, key, kind, repo, status, data, meta, target)
     VALUES ($1, $2, $3, $4, 'queued', $5::jsonb, $6::jsonb, $7)
     ON CONFLICT DO NOTHING RETURNING id`;
  const { rows } = delivery
    ? await db.query(
        `WITH delivery AS (
           INSERT INTO ${SCHEMA}.deliveries (guid, event, action, repo) VALUES ($8, $9, $10, $11) ON CONFLICT (guid) DO NOTHING
         ) ${insertRecord}`,
        [...record, delivery.guid, delivery.event, delivery.action ?? null, delivery.repo ?? null],
      )
    : await db.query(insertRecord, record);
  if (rows.length === 0) return { enqueued: false, id };
  const envelope: JobEnvelope = { key: j.key, kind: j.kind, data: j.data };
  try {
    await queue.send(j.kind, envelope, { ...sendOpts, id });
  } catch (err) {
    await db.query(`DELETE FROM ${SCHEMA}.job_records WHERE key = $1 AND status = 'queued' AND attempts = 0`, [j.key]);
    throw err;
  }
  return { enqueued: true, id };
}

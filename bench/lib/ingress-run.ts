// One measured run of the ingress bench: the deliveries sent by the worker-thread client at a fixed concurrency,
// the figures taken from its latencies, and the durability check (every 2xx delivery that should enqueue did).
import { Worker } from "node:worker_threads";
import type { Database } from "../../src/jobs/db.js";
import { jobIdForKey } from "../../src/jobs/job-id.js";
import { SCHEMA } from "../../src/jobs/migrations.js";
import type { LoadRequest, LoadResult } from "./ingress-client.js";
import type { Delivery } from "./ingress-mix.js";

export interface Figures {
  deliveries_per_s: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
  non_2xx: number;
}

export function sendLoad(request: LoadRequest): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./ingress-client.js", import.meta.url), { workerData: request });
    worker.once("message", (r: LoadResult) => {
      resolve(r);
      void worker.terminate();
    });
    worker.once("error", reject);
  });
}

export function figuresOf(r: LoadResult): Figures {
  const sorted = [...r.latenciesMs].sort((a, b) => a - b);
  const pct = (p: number) => Number(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))].toFixed(1));
  return {
    deliveries_per_s: Math.round(sorted.length / r.seconds),
    p50_ms: pct(50),
    p99_ms: pct(99),
    max_ms: Number(sorted[sorted.length - 1].toFixed(1)),
    non_2xx: r.statuses.filter((s) => s < 200 || s >= 300).length,
  };
}

/**
 * Durable enqueue: each delivery answered 2xx that should enqueue has its job record, its pg-boss job (same id),
 * and its GUID in the delivery ledger. Counted after the run, from the database alone.
 */
export async function countLost(db: Database, deliveries: Delivery[], r: LoadResult): Promise<{ expected: number; lost: number }> {
  const answered = deliveries.filter((d, i) => r.statuses[i] >= 200 && r.statuses[i] < 300 && d.enqueues.length > 0);
  const keys = [...new Set(answered.flatMap((d) => d.enqueues))];
  const ids = keys.map(jobIdForKey);
  const records = await db.query<{ key: string }>(`SELECT key FROM ${SCHEMA}.job_records WHERE key = ANY($1::text[])`, [keys]);
  const jobs = await db.query<{ id: string }>(`SELECT id::text AS id FROM pgboss.job WHERE id = ANY($1::uuid[])`, [ids]);
  const ledger = await db.query<{ guid: string }>(`SELECT guid FROM ${SCHEMA}.deliveries WHERE guid = ANY($1::text[])`, [
    answered.map((d) => d.guid),
  ]);
  const haveKey = new Set(records.rows.map((x) => x.key));
  const haveJob = new Set(jobs.rows.map((x) => x.id));
  const haveGuid = new Set(ledger.rows.map((x) => x.guid));
  const lost = answered.filter(
    (d) => !haveGuid.has(d.guid) || d.enqueues.some((k) => !haveKey.has(k) || !haveJob.has(jobIdForKey(k))),
  ).length;
  return { expected: answered.length, lost };
}

/** p50 and p99 per kind of delivery (event, and whether it enqueues): where the app's time over bare Probot goes. */
export function figuresByKind(deliveries: Delivery[], r: LoadResult): string[] {
  const groups = new Map<string, number[]>();
  deliveries.forEach((d, i) => {
    const kind = `${d.event}${d.enqueues.length > 0 ? " (enqueues)" : ""}`;
    groups.set(kind, [...(groups.get(kind) ?? []), r.latenciesMs[i]]);
  });
  return [...groups.entries()]
    .map(([kind, ms]) => {
      const sorted = ms.sort((a, b) => a - b);
      const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
      return { kind, n: sorted.length, p50: pct(50), p99: pct(99) };
    })
    .sort((a, b) => b.p99 - a.p99)
    .map(
      (g) =>
        `    ${g.kind.padEnd(28)} n ${String(g.n).padStart(4)}  p50 ${g.p50.toFixed(1).padStart(5)} ms  p99 ${g.p99.toFixed(1).padStart(5)} ms`,
    );
}

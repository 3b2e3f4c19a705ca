import type { IncomingMessage, ServerResponse } from "node:http";
import type { Database } from "../jobs/db.js";
import { jobCountsByOutcome, queueDepthByKind } from "../jobs/queue-depth.js";
import { outcomeClass } from "../jobs/outcome-class.js";
import { jobsByOutcome, queueDepth, registry } from "./metrics.js";

/** Re-reads the database-backed gauges: they are set whole at each scrape, so a kind that emptied reads 0 or goes. */
export async function refreshDatabaseGauges(db: Database): Promise<void> {
  const [depth, jobs] = await Promise.all([queueDepthByKind(db), jobCountsByOutcome(db)]);
  queueDepth.reset();
  for (const d of depth) queueDepth.set({ kind: d.kind }, d.waiting);
  jobsByOutcome.reset();
  const sums = new Map<string, { kind: string; status: string; outcome: string; n: number }>();
  for (const j of jobs) {
    const outcome = outcomeClass(j.outcome);
    const id = `${j.kind}\0${j.status}\0${outcome}`;
    const row = sums.get(id) ?? { kind: j.kind, status: j.status, outcome, n: 0 };
    row.n += j.n;
    sums.set(id, row);
  }
  for (const s of sums.values()) jobsByOutcome.set({ kind: s.kind, status: s.status, outcome: s.outcome }, s.n);
}

/**
 * GET /metrics in Prometheus's text format. Unauthenticated like /healthz, as Prometheus scrapes are: it shows
 * counts and kinds, never repository names, keys or text (keep the port off the internet, or behind the proxy's auth).
 */
export function metricsHandler(db: Database) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (req.method !== "GET" || url.pathname !== "/metrics") return false;
    // A database that does not answer leaves the last values: the process's own counters are still worth a scrape.
    await refreshDatabaseGauges(db).catch(() => undefined);
    const text = await registry.metrics();
    res.writeHead(200, { "content-type": registry.contentType });
    res.end(text);
    return true;
  };
}

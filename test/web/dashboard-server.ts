// The dashboard route on a real HTTP server over a real database, and a way to put job rows into that database
// (the browser test gets its rows from real pipeline runs; the security tests write hostile ones here).
import type { Database } from "../../src/jobs/db.js";
import { SCHEMA } from "../../src/jobs/migrations.js";

// The server itself is the demo's (`codex-dispatch demo --dashboard` serves the same way).
export { serveDashboard, type DashboardServer } from "../../demo/dashboard-server.js";

export interface JobRowInput {
  key: string;
  kind?: string;
  repo?: string;
  status?: string;
  outcome?: string | null;
  error?: string | null;
  links?: Record<string, string>;
  data?: unknown;
  costUsd?: number | null;
  tokens?: [number, number];
  durationMs?: number;
}

/** One job record as the pipeline leaves it; `id` is the key's own id so a page URL can be built from it. */
export async function insertJob(db: Database, j: JobRowInput): Promise<string> {
  const id = `test-${Buffer.from(j.key).toString("hex").slice(0, 40)}`;
  await db.query(
    `INSERT INTO ${SCHEMA}.job_records (id, key, kind, repo, status, outcome, error, links, data, cost_usd, input_tokens, output_tokens,
       duration_ms, started_at, finished_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10, $11, $12, $13, now(), CASE WHEN $5 IN ('queued', 'running') THEN NULL ELSE now() END)`,
    [
      id,
      j.key,
      j.kind ?? "triage",
      j.repo ?? "octo/demo",
      j.status ?? "succeeded",
      j.outcome ?? null,
      j.error ?? null,
      JSON.stringify(j.links ?? {}),
      JSON.stringify(j.data ?? {}),
      j.costUsd ?? null,
      j.tokens?.[0] ?? null,
      j.tokens?.[1] ?? null,
      j.durationMs ?? null,
    ],
  );
  return id;
}

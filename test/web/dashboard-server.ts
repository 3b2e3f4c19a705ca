// The dashboard route on a real HTTP server over a real database, and a way to put job rows into that database
// (the browser test gets its rows from real pipeline runs; the security tests write hostile ones here).
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Database } from "../../src/jobs/db.js";
import { SCHEMA } from "../../src/jobs/migrations.js";
import { dashboardRoute, type DashboardOptions } from "../../src/web/dashboard/route.js";

export interface DashboardServer {
  url: string;
  close(): Promise<void>;
  /** Closes as a process does on SIGTERM: no new connections, waits for the open ones to end. */
  closeGracefully(): Promise<void>;
}

export async function serveDashboard(o: DashboardOptions): Promise<DashboardServer> {
  const route = dashboardRoute(o);
  const sockets = new Set<import("node:net").Socket>();
  const server = http.createServer((req, res) => {
    route(req, res).then(
      (handled) => {
        if (!handled) res.writeHead(404).end("not the dashboard");
      },
      (err: unknown) => res.writeHead(500).end(String(err)),
    );
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    closeGracefully: () => new Promise<void>((resolve) => server.close(() => resolve())),
    close: () =>
      new Promise<void>((resolve) => {
        // Open SSE streams would keep close() waiting.
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

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

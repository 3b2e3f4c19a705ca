import type { IncomingMessage, ServerResponse } from "node:http";
import type { Database } from "../jobs/db.js";
import { schemaVersion } from "../jobs/schema-version.js";
import { agentBinariesPresent, type AgentBinary } from "./agent-binaries.js";

export interface HealthOptions {
  /** Worker roles: the agent binaries this process starts (agent-binaries.ts). The web role runs no agent. */
  agents?: AgentBinary[];
  /** True once the process is shutting down: /readyz answers 503 so the load balancer stops sending. */
  stopping?: () => boolean;
}

function send(res: ServerResponse, ok: boolean, body: object): void {
  res.writeHead(ok ? 200 : 503, { "content-type": "application/json" });
  res.end(JSON.stringify({ ok, ...body }));
}

/**
 * GET /healthz: alive and able to work: the database answers and the agent binaries are there (worker roles).
 * GET /readyz: ready for traffic: the database answers with the schema this release expects, and the process
 * is not shutting down. 200 or 503, JSON either way (for load balancers, Docker and Kubernetes probes).
 */
export function healthHandler(db: Database, opts: HealthOptions = {}) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (req.method !== "GET" || (url.pathname !== "/healthz" && url.pathname !== "/readyz")) return false;
    if (url.pathname === "/readyz") {
      const schema = await schemaVersion(db).catch(() => null);
      const stopping = opts.stopping?.() ?? false;
      const ok = !!schema && schema.current === schema.expected && !stopping;
      send(res, ok, { database: db.kind, schema, ...(stopping ? { stopping } : {}) });
      return true;
    }
    let database = true;
    try {
      await db.query("SELECT 1");
    } catch {
      database = false;
    }
    const agents = opts.agents ? await agentBinariesPresent(opts.agents) : undefined;
    const agentsOk = (opts.agents ?? []).every((a) => !a.required || agents?.[a.agent]);
    send(res, database && agentsOk, {
      database: db.kind,
      ...(database ? {} : { databaseError: "no answer" }),
      ...(agents ? { agents } : {}),
    });
    return true;
  };
}

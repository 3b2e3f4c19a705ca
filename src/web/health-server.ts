import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Database } from "../jobs/db.js";
import { healthHandler, type HealthOptions } from "./health.js";
import { metricsHandler } from "./metrics-route.js";

export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

/**
 * A worker process serves no webhooks, so Probot's server does not run; this answers only GET /healthz, /readyz
 * and /metrics (the same handlers as the web role's) so that the image's HEALTHCHECK, compose's healthcheck and
 * Prometheus work for workers too. Everything else is 404: a worker exposes nothing more.
 */
export async function startHealthServer(db: Database, port: number, host = "0.0.0.0", opts: HealthOptions = {}): Promise<HealthServer> {
  const routes = [healthHandler(db, opts), metricsHandler(db)];
  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    for (const route of routes) if (await route(req, res)) return true;
    return false;
  };
  const server = http.createServer((req, res) => {
    handle(req, res)
      .then((handled) => {
        if (!handled) res.writeHead(404, { "content-type": "application/json" }).end('{"error":"not found"}');
      })
      .catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port, host }, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Database } from "../jobs/db.js";
import { healthHandler } from "./health.js";

export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

/**
 * A worker process serves no webhooks, so Probot's server does not run; this answers only GET /healthz (the
 * same handler as the web role's) so that the image's HEALTHCHECK and compose's healthcheck work for workers too.
 * Everything else is 404: a worker exposes nothing more.
 */
export async function startHealthServer(db: Database, port: number, host = "0.0.0.0"): Promise<HealthServer> {
  const health = healthHandler(db);
  const server = http.createServer((req, res) => {
    health(req, res)
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

// The dashboard route on its own HTTP server over a database: what `codex-dispatch demo --dashboard` serves, and
// what the dashboard's tests serve their rows with. The app mounts the same route on its web role (main.ts).
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { dashboardRoute, type DashboardOptions } from "../src/web/dashboard/route.js";

export interface DashboardServer {
  url: string;
  close(): Promise<void>;
  /** Closes as a process does on SIGTERM: no new connections, waits for the open ones to end. */
  closeGracefully(): Promise<void>;
}

export interface ServeOptions extends DashboardOptions {
  /** 0 (the default): any free port. */
  port?: number;
  /** Loopback by default: the dashboard is for this machine unless asked otherwise. */
  host?: string;
}

export async function serveDashboard(o: ServeOptions): Promise<DashboardServer> {
  const route = dashboardRoute(o);
  const sockets = new Set<Socket>();
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
  const host = o.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return {
    url: `http://${host}:${(server.address() as AddressInfo).port}`,
    closeGracefully: () => new Promise<void>((resolve) => server.close(() => resolve())),
    close: () =>
      new Promise<void>((resolve) => {
        // Open SSE streams (a job page's live timeline) would keep close() waiting.
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

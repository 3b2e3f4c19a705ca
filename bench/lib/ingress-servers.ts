// What the ingress bench sends to: the app as production wires it (createApp on Probot's createNodeMiddleware,
// with the real database and queue), or a bare Probot app with no handlers behind the same middleware and
// signature check. Plus a stand-in for api.github.com, so the 👀 a `/codex` comment gets at once costs a real
// token request and permission look-up over HTTP, without leaving the machine.
import { generateKeyPairSync } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createNodeMiddleware, Probot, type ApplicationFunction } from "probot";
import { pino } from "pino";
import { createApp } from "../../src/app.js";
import type { Database } from "../../src/jobs/db.js";
import type { JobQueue } from "../../src/jobs/queue.js";

export interface Listening {
  url: string;
  close(): Promise<void>;
}

async function listen(handler: http.RequestListener): Promise<{ server: http.Server; base: string }> {
  const server = http.createServer(handler);
  // Like a Node server behind a load balancer: connections are kept alive between deliveries.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const closing = (server: http.Server) => () =>
  new Promise<void>((r) => {
    server.closeAllConnections();
    server.close(() => r());
  });

export async function startGitHubStub(): Promise<Listening & { requests: () => number }> {
  let requests = 0;
  const { server, base } = await listen((req, res) => {
    requests++;
    req.resume();
    const json = (status: number, body: object) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    const url = req.url ?? "";
    if (req.method === "POST" && /^\/app\/installations\/\d+\/access_tokens$/.test(url)) {
      json(201, {
        token: "ghs_bench",
        expires_at: new Date(Date.now() + 3_600_000).toISOString(),
        permissions: {},
        repository_selection: "all",
      });
    } else if (req.method === "GET" && /\/collaborators\/[^/]+\/permission$/.test(url)) {
      json(200, { permission: "write", role_name: "write", user: { login: "octocat" } });
    } else if (req.method === "POST" && url.endsWith("/reactions")) {
      json(201, { id: 1, content: "eyes" });
    } else json(404, { message: "Not Found" });
  });
  return { url: base, close: closing(server), requests: () => requests };
}

const privateKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();

/** `deps` present: the production app; absent: a bare Probot app with no handlers. */
export async function startIngress(secret: string, githubUrl: string, deps?: { db: Database; queue: JobQueue }): Promise<Listening> {
  const probot = new Probot({ appId: 1, privateKey, secret, baseUrl: githubUrl, log: pino({ level: "silent" }) });
  const appFn: ApplicationFunction = deps ? createApp({ ...deps, appId: 1, appSlug: "codex-dispatch" }) : () => {};
  const middleware = await createNodeMiddleware(appFn, { probot });
  const { server, base } = await listen((req, res) => {
    void middleware(req, res, () => res.writeHead(404).end());
  });
  return { url: `${base}/api/github/webhooks`, close: closing(server) };
}

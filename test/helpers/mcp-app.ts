import http from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { pino } from "pino";
import type { Harness } from "../../demo/harness.js";
import { appMcpRoute } from "../../src/mcp/app-route.js";
import type { McpTokenEntry } from "../../src/mcp/tokens.js";

/**
 * The web role's /mcp on a real HTTP server, over the harness's database, queue and Probot clients, as main.ts
 * wires it (the harness itself serves no HTTP). Everything the route logs is kept in `logs`.
 */
export async function serveMcp(h: Harness, tokens: McpTokenEntry[] | undefined) {
  const logs: string[] = [];
  const log = pino(
    { level: "debug" },
    new Writable({
      write(chunk, _enc, done) {
        logs.push(String(chunk));
        done();
      },
    }),
  );
  const route = appMcpRoute({
    db: h.db,
    queue: h.queue,
    log: log as never,
    tokens,
    appClient: () => h.probot.auth(),
    installationClient: (id) => h.probot.auth(id),
  });
  const server = http.createServer((req, res) => {
    route(req, res).then(
      (handled) => {
        if (!handled) res.writeHead(404).end();
      },
      (err: unknown) => {
        logs.push(`route threw: ${String(err)}`);
        if (!res.headersSent) res.writeHead(500).end();
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
  return {
    url,
    logs,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The SDK's own client, connected with a bearer token. */
export async function mcpClient(url: string, token: string): Promise<Client> {
  const client = new Client({ name: "test-client", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  return client;
}

type AnyJson = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Calls a tool and answers its JSON; a tool error comes back as { error: text }. */
export async function callJson(client: Client, name: string, args: Record<string, unknown>): Promise<AnyJson> {
  const result = await client.callTool({ name, arguments: args });
  const text = (result.content as { type: string; text: string }[]).map((c) => c.text).join("\n");
  return result.isError ? { error: text } : (JSON.parse(text) as AnyJson);
}

/** Polls task_status until the task has ended (or `until` says so). */
export async function waitForTask(
  client: Client,
  taskId: string,
  until: (s: AnyJson) => boolean = (s) => ["succeeded", "failed", "cancelled"].includes(s.status),
  ms = 120_000,
): Promise<AnyJson> {
  const deadline = Date.now() + ms;
  for (;;) {
    const status = await callJson(client, "task_status", { task_id: taskId });
    if (until(status)) return status;
    if (Date.now() > deadline) throw new Error(`task ${taskId} still ${JSON.stringify(status)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

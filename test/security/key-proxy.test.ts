// Finding 9: the key proxy spends the real model key, so a job token must reach nothing but the Responses
// call codex makes, with none of the client's account-selecting headers, a bounded body and a budget.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { MAX_REQUEST_BYTES } from "../../src/agent/key-proxy-policy.js";
import { startKeyProxy, type KeyProxy } from "../../src/agent/key-proxy.js";
import { rssOf, sendLargeBody } from "../helpers/large-body.js";

const KEY = "sk-proj-theRealUpstreamKey0123456789abcdef";
const MiB = 1024 * 1024;
const request = { model: "gpt-5.5", stream: true, input: [{ type: "message", role: "user", content: "hi" }] };

interface Seen {
  method?: string;
  url?: string;
  headers: http.IncomingHttpHeaders;
  bytes: number;
}

// A stand-in for the model API that records everything that reaches it and answers like the Responses API
// (an SSE stream ending in response.completed with 20 + 20 tokens used).
let seen: Seen[] = [];
let upstream: http.Server;
let proxy: KeyProxy;

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    const entry: Seen = { method: req.method, url: req.url, headers: req.headers, bytes: 0 };
    seen.push(entry);
    req.on("data", (c: Buffer) => (entry.bytes += c.length));
    req.on("end", () => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      const usage = { input_tokens: 20, output_tokens: 20, total_tokens: 40 };
      res.end(`event: response.completed\ndata: ${JSON.stringify({ type: "response.completed", response: { usage } })}\n\n`);
    });
  });
  await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
  proxy = await startKeyProxy({ upstreamBaseUrl: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`, upstreamApiKey: KEY });
});
afterAll(async () => {
  await proxy.close();
  upstream.closeAllConnections();
  await new Promise((r) => upstream.close(r));
});
beforeEach(() => {
  seen = [];
});

function call(path: string, init: { method: string; token: string; headers?: Record<string, string>; body?: string }): Promise<Response> {
  return fetch(`${proxy.baseUrl}${path}`, {
    method: init.method,
    headers: {
      authorization: `Bearer ${init.token}`,
      ...(init.body !== undefined && { "content-type": "application/json" }),
      ...init.headers,
    },
    body: init.body,
  });
}

async function expectRefused(res: Response, status: number, code: string): Promise<void> {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/json");
  expect((await res.json()).error.code).toBe(code);
}

describe("key proxy: routes", () => {
  it("[S9.1] GET /v1/files with a valid job token → 404, never forwarded with the real key", async () => {
    const grant = proxy.issue();
    await expectRefused(await call("/files", { method: "GET", token: grant.token }), 404, "not_found");
    expect(seen).toEqual([]);
    expect(grant.usage().requests).toBe(0);
  });

  it("[S9.2] DELETE /v1/organization/projects → 404, never forwarded", async () => {
    await expectRefused(await call("/organization/projects", { method: "DELETE", token: proxy.issue().token }), 404, "not_found");
    expect(seen).toEqual([]);
  });

  it("[S9.3] POST /v1/chat/completions (unmetered by the proxy) → 404, never forwarded", async () => {
    const res = await call("/chat/completions", {
      method: "POST",
      token: proxy.issue().token,
      body: JSON.stringify({ model: "gpt-5.5", messages: [] }),
    });
    await expectRefused(res, 404, "not_found");
    expect(seen).toEqual([]);
  });

  it("[S9.4] other methods and sub-paths of /v1/responses (retrieve, delete, cancel) → 405/404, never forwarded", async () => {
    const token = proxy.issue().token;
    const del = await call("/responses", { method: "DELETE", token });
    expect(del.headers.get("allow")).toBe("POST");
    await expectRefused(del, 405, "method_not_allowed");
    await expectRefused(await call("/responses", { method: "GET", token }), 405, "method_not_allowed");
    await expectRefused(await call("/responses/resp_1", { method: "GET", token }), 404, "not_found");
    await expectRefused(await call("/responses/resp_1/cancel", { method: "POST", token, body: "{}" }), 404, "not_found");
    await expectRefused(await call("/../v1/files", { method: "GET", token }), 404, "not_found");
    expect(seen).toEqual([]);
  });

  it("[S9.5] a background response (billed upstream, never metered here) → 400, never forwarded", async () => {
    const res = await call("/responses", {
      method: "POST",
      token: proxy.issue().token,
      body: JSON.stringify({ ...request, background: true }),
    });
    await expectRefused(res, 400, "invalid_request");
    expect(seen).toEqual([]);
  });
});

describe("key proxy: headers", () => {
  it("[S9.6] openai-organization, openai-project, cookies and unknown client headers → not forwarded; the real key is used", async () => {
    const res = await call("/responses?api-version=x", {
      method: "POST",
      token: proxy.issue().token,
      body: JSON.stringify(request),
      headers: {
        "openai-organization": "org-victim",
        "openai-project": "proj_victim",
        cookie: "session=stolen",
        "x-forwarded-for": "203.0.113.9",
        "x-stainless-arch": "x64",
        "x-codex-turn-metadata": '{"workspaces":{"/srv/secret":{}}}',
        "proxy-authorization": "Basic Zm9vOmJhcg==",
      },
    });
    expect(res.status).toBe(200);
    await res.text();
    expect(seen).toHaveLength(1);
    const headers = seen[0]?.headers ?? {};
    for (const name of [
      "openai-organization",
      "openai-project",
      "cookie",
      "x-forwarded-for",
      "x-stainless-arch",
      "x-codex-turn-metadata",
      "proxy-authorization",
    ]) {
      expect(headers[name], name).toBeUndefined();
    }
    expect(headers.authorization).toBe(`Bearer ${KEY}`);
    // Nor does a query string ride along to select something else upstream.
    expect(seen[0]?.url).toBe("/v1/responses");
  });
});

describe("key proxy: body size", () => {
  it("[S9.7] a 64 MiB body declared by Content-Length → 413 before it is read; upstream sees nothing, memory stays flat", async () => {
    const grant = proxy.issue();
    const before = await rssOf(process.pid);
    const result = await sendLargeBody(`${proxy.baseUrl}/responses`, {
      total: 64 * MiB,
      chunked: false,
      headers: { authorization: `Bearer ${grant.token}` },
    });
    const grown = (await rssOf(process.pid)) - before;
    expect(result.status).toBe(413);
    expect(JSON.parse(result.body).error.code).toBe("request_too_large");
    // The connection is cut after a short linger (refuseTooLarge), not kept alive for the rest of the body.
    expect(result.sent).toBeLessThan(64 * 1024 * 1024);
    expect(result.sent).toBeLessThan(64 * MiB);
    expect(grown).toBeLessThan(32 * MiB);
    expect(seen).toEqual([]);
    expect(grant.usage().requests).toBe(0);
  });

  it("[S9.8] a chunked 64 MiB body with no length → 413 once past the cap; the rest is not read or buffered", async () => {
    const grant = proxy.issue();
    const before = await rssOf(process.pid);
    const result = await sendLargeBody(`${proxy.baseUrl}/responses`, {
      total: 64 * MiB,
      chunked: true,
      headers: { authorization: `Bearer ${grant.token}` },
    });
    const grown = (await rssOf(process.pid)) - before;
    expect(result.status).toBe(413);
    expect(result.sent).toBeGreaterThan(MAX_REQUEST_BYTES);
    expect(result.sent).toBeLessThan(64 * MiB);
    expect(grown).toBeLessThan(32 * MiB);
    expect(seen).toEqual([]);
  });

  it("a body just under the cap still goes through", async () => {
    const body = JSON.stringify({ ...request, input: [{ type: "message", role: "user", content: "x".repeat(MAX_REQUEST_BYTES - 200) }] });
    expect(body.length).toBeLessThanOrEqual(MAX_REQUEST_BYTES);
    const res = await call("/responses", { method: "POST", token: proxy.issue().token, body });
    expect(res.status).toBe(200);
    await res.text();
    expect(seen[0]?.bytes).toBe(body.length);
  });
});

describe("key proxy: budget", () => {
  it("[S9.9] requests past a spent budget, on the allowed route or any other → 429/404, never forwarded", async () => {
    const grant = proxy.issue({ maxTotalTokens: 40 });
    const first = await call("/responses", { method: "POST", token: grant.token, body: JSON.stringify(request) });
    expect(first.status).toBe(200);
    await first.text();
    expect(grant.usage().totalTokens).toBe(40);

    await expectRefused(
      await call("/responses", { method: "POST", token: grant.token, body: JSON.stringify(request) }),
      429,
      "budget_exceeded",
    );
    await expectRefused(
      await call("/chat/completions", { method: "POST", token: grant.token, body: JSON.stringify(request) }),
      404,
      "not_found",
    );
    await expectRefused(
      await call("/responses", { method: "POST", token: grant.token, body: JSON.stringify({ ...request, stream: false }) }),
      429,
      "budget_exceeded",
    );
    expect(seen).toHaveLength(1);
    expect(grant.usage().requests).toBe(1);
  });
});

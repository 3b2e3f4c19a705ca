import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startKeyProxy, type KeyProxy } from "../../src/agent/key-proxy.js";
import { startScriptedModel, type ScriptedModel } from "../../demo/scripted-model.js";

const KEY = "sk-proj-theRealUpstreamKey0123456789abcdef";
const request = { model: "gpt-5.5", stream: true, input: [{ type: "message", role: "user", content: "hi" }] };

let model: ScriptedModel | undefined;
let proxy: KeyProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  await model?.close();
  proxy = model = undefined;
});

function post(base: string, token: string | undefined, body: object = request): Promise<Response> {
  return fetch(`${base}/responses`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
}

describe("key proxy", () => {
  it("swaps the job token for the real key, streams the answer unchanged and meters usage", async () => {
    model = await startScriptedModel([{ kind: "message", text: "hello" }]);
    proxy = await startKeyProxy({ upstreamBaseUrl: model.baseUrl, upstreamApiKey: KEY });
    const grant = proxy.issue();
    expect(grant.token).not.toContain(KEY);

    const viaProxy = await post(proxy.baseUrl, grant.token);
    expect(viaProxy.status).toBe(200);
    expect(viaProxy.headers.get("content-type")).toBe("text/event-stream");
    const proxied = await viaProxy.text();
    const direct = await (await post(model.baseUrl, KEY)).text();
    // Same events in the same framing; only the generated response ids differ.
    const normalise = (sse: string) => sse.replace(/resp_[\w-]+/g, "resp_X");
    expect(normalise(proxied)).toBe(normalise(direct));
    expect(proxied).toContain("event: response.completed");

    expect(model.requests[0]?.authorization).toBe(`Bearer ${KEY}`);
    expect(model.requests[0]?.body).toEqual(request);
    const completed = JSON.parse(/event: response.completed\ndata: (.*)/.exec(proxied)?.[1] ?? "{}");
    const { input_tokens, output_tokens } = completed.response.usage;
    expect(grant.usage()).toEqual({
      inputTokens: input_tokens,
      outputTokens: output_tokens,
      totalTokens: input_tokens + output_tokens,
      requests: 1,
    });
  });

  it("sends no Authorization upstream when no key is configured", async () => {
    model = await startScriptedModel();
    proxy = await startKeyProxy({ upstreamBaseUrl: model.baseUrl });
    const res = await post(proxy.baseUrl, proxy.issue().token);
    expect(res.status).toBe(200);
    await res.text();
    expect(model.requests[0]?.authorization).toBeUndefined();
  });

  it("refuses unknown, missing and revoked tokens without calling upstream", async () => {
    model = await startScriptedModel();
    proxy = await startKeyProxy({ upstreamBaseUrl: model.baseUrl, upstreamApiKey: KEY });
    const grant = proxy.issue();
    const other = proxy.issue();

    for (const token of [undefined, "cdx-job-guessed", KEY]) {
      const res = await post(proxy.baseUrl, token);
      expect(res.status).toBe(401);
      expect((await res.json()).error.code).toBe("invalid_proxy_token");
    }
    grant.revoke();
    const revoked = await post(proxy.baseUrl, grant.token);
    expect(revoked.status).toBe(401);
    await revoked.text();
    // Revoking one job's grant leaves the others working.
    const ok = await post(proxy.baseUrl, other.token);
    expect(ok.status).toBe(200);
    await ok.text();
    expect(model.requests).toHaveLength(1);
  });

  it("refuses with 429 once a grant's budget is spent, per grant", async () => {
    model = await startScriptedModel();
    proxy = await startKeyProxy({ upstreamBaseUrl: model.baseUrl, upstreamApiKey: KEY });
    const small = proxy.issue({ maxTotalTokens: 30 });
    const large = proxy.issue({ maxTotalTokens: 1_000_000 });

    const first = await post(proxy.baseUrl, small.token);
    expect(first.status).toBe(200);
    await first.text();
    expect(small.usage().totalTokens).toBeGreaterThanOrEqual(30);

    const refused = await post(proxy.baseUrl, small.token);
    expect(refused.status).toBe(429);
    const body = await refused.json();
    expect(body.error.code).toBe("budget_exceeded");
    expect(body.error.message).toMatch(/this job.s token budget \(30 tokens\) is spent/);
    expect(small.usage().requests).toBe(1);

    const other = await post(proxy.baseUrl, large.token);
    expect(other.status).toBe(200);
    await other.text();
    expect(model.requests).toHaveLength(2);
  });

  it("passes upstream errors through and meters plain JSON responses", async () => {
    // A tiny upstream that answers JSON (non-streaming), then errors, to check what the proxy forwards.
    let calls = 0;
    const upstream = http.createServer((req, res) => {
      req.resume();
      calls += 1;
      if (calls === 1) {
        res.writeHead(200, { "content-type": "application/json", "set-cookie": "__cf_bm=owner; path=/" });
        res.end(JSON.stringify({ id: "r", usage: { input_tokens: 7, output_tokens: 3, total_tokens: 10 } }));
      } else {
        res.writeHead(503, { "content-type": "application/json", "retry-after": "1" });
        res.end('{"error":{"message":"busy"}}');
      }
    });
    await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
    try {
      const port = (upstream.address() as AddressInfo).port;
      proxy = await startKeyProxy({ upstreamBaseUrl: `http://127.0.0.1:${port}/v1/` });
      const grant = proxy.issue();
      const res = await post(proxy.baseUrl, grant.token, { ...request, stream: false });
      expect(res.headers.get("set-cookie")).toBeNull();
      expect(await res.json()).toMatchObject({ usage: { total_tokens: 10 } });
      const busy = await post(proxy.baseUrl, grant.token);
      expect(busy.status).toBe(503);
      expect(busy.headers.get("retry-after")).toBe("1");
      expect(await busy.text()).toBe('{"error":{"message":"busy"}}');
      expect(grant.usage()).toEqual({ inputTokens: 7, outputTokens: 3, totalTokens: 10, requests: 2 });
    } finally {
      upstream.closeAllConnections();
      await new Promise((r) => upstream.close(r));
    }
  });

  it("forwards the client headers codex 0.169 sends (recorded from a real run)", async () => {
    const seen: Record<string, string | undefined>[] = [];
    const upstream = http.createServer((req, res) => {
      seen.push({ ...(req.headers as Record<string, string>) });
      req.resume();
      res.writeHead(200, { "content-type": "application/json" });
      res.end("{}");
    });
    await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
    try {
      proxy = await startKeyProxy({ upstreamBaseUrl: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1` });
      const codexHeaders = {
        accept: "text/event-stream",
        originator: "codex_exec",
        "user-agent": "codex_exec/0.169.0",
        "session-id": "s-1",
        "thread-id": "t-1",
        "x-client-request-id": "c-1",
        "x-codex-window-id": "s-1:0",
        "x-codex-beta-features": "remote_compaction_v2",
      };
      const res = await fetch(`${proxy.baseUrl}/responses`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${proxy.issue().token}`, ...codexHeaders },
        body: JSON.stringify(request),
      });
      expect(res.status).toBe(200);
      await res.text();
      expect(seen[0]).toMatchObject({ "content-type": "application/json", ...codexHeaders });
      expect(seen[0]?.authorization).toBeUndefined();
    } finally {
      upstream.closeAllConnections();
      await new Promise((r) => upstream.close(r));
    }
  });

  it("answers 502 when the upstream cannot be reached", async () => {
    proxy = await startKeyProxy({ upstreamBaseUrl: "http://127.0.0.1:1/v1" });
    const res = await post(proxy.baseUrl, proxy.issue().token);
    expect(res.status).toBe(502);
    expect((await res.json()).error.code).toBe("upstream_error");
  });

  it("rejects bad options with a clear error", async () => {
    await expect(startKeyProxy({ upstreamBaseUrl: "ftp://example.com" })).rejects.toThrow(/upstreamBaseUrl must be an http\(s\) URL/);
    proxy = await startKeyProxy({ upstreamBaseUrl: "http://127.0.0.1:1/v1" });
    expect(() => proxy?.issue({ maxTotalTokens: -5 })).toThrow(/maxTotalTokens must be a positive integer/);
  });
});

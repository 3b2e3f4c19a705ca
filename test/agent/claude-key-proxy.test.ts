// The key proxy's Messages API route, as Claude Code uses it: the job token in x-api-key swapped for the real
// Anthropic key, the SSE stream forwarded unchanged, tokens counted from message_start and message_delta.
import { afterEach, describe, expect, it } from "vitest";
import { startKeyProxy, type KeyProxy } from "../../src/agent/key-proxy.js";
import { startScriptedMessages, structured, type ScriptedMessages } from "../../demo/scripted-messages.js";

const KEY = "sk-ant-api03-theRealUpstreamKey0123456789abcdef";
const body = {
  model: "claude-sonnet-5",
  max_tokens: 100,
  stream: true,
  tools: [{ name: "StructuredOutput" }],
  messages: [{ role: "user", content: "hi" }],
};

let model: ScriptedMessages | undefined;
let proxy: KeyProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  await model?.close();
  proxy = model = undefined;
});

async function start(): Promise<{ model: ScriptedMessages; proxy: KeyProxy }> {
  model = await startScriptedMessages([structured({ verdict: "ok" })]);
  proxy = await startKeyProxy({
    upstreamBaseUrl: "http://127.0.0.1:9/v1",
    anthropic: { upstreamBaseUrl: model.baseUrl, upstreamApiKey: KEY },
  });
  return { model, proxy };
}

function post(base: string, path: string, headers: Record<string, string>): Promise<Response> {
  return fetch(`${base}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

describe("key proxy: Messages API", () => {
  it("swaps x-api-key for the real key, keeps ?beta=true, streams unchanged and counts the tokens", async () => {
    const { model, proxy } = await start();
    const grant = proxy.issue();
    const headers = {
      "x-api-key": grant.token,
      "anthropic-version": "2023-06-01",
      "anthropic-beta": "claude-code-20250219",
      "x-stainless-os": "Linux",
    };
    const res = await post(proxy.anthropicBaseUrl, "/v1/messages?beta=true", headers);
    expect(res.status).toBe(200);
    const proxied = await res.text();
    const direct = await (await post(model.baseUrl, "/v1/messages", { "x-api-key": KEY })).text();
    const normalise = (sse: string) => sse.replace(/(msg|toolu)_\w+/g, "$1_X");
    expect(normalise(proxied)).toBe(normalise(direct));

    const seen = model.requests[0]!;
    expect(seen.url).toBe("/v1/messages?beta=true");
    expect(seen.headers["x-api-key"]).toBe(KEY);
    expect(seen.headers.authorization).toBeUndefined();
    expect(seen.headers).toMatchObject({
      "anthropic-version": "2023-06-01",
      "anthropic-beta": "claude-code-20250219",
      "x-stainless-os": "Linux",
    });
    const begun = JSON.parse(/event: message_start\ndata: (.*)/.exec(proxied)![1]!);
    const delta = JSON.parse(/event: message_delta\ndata: (.*)/.exec(proxied)![1]!);
    const input = begun.message.usage.input_tokens;
    const output = delta.usage.output_tokens;
    expect(input).toBeGreaterThan(0);
    expect(output).toBeGreaterThan(1);
    // message_delta's output count is cumulative: counted once, not added to message_start's.
    expect(grant.usage()).toEqual({ inputTokens: input, outputTokens: output, totalTokens: input + output, requests: 1 });
  });

  it("answers Claude's HEAD / probe itself, without a token and without calling upstream", async () => {
    const { model, proxy } = await start();
    const res = await fetch(`${proxy.anthropicBaseUrl}/`, { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(model.heads).toBe(0);
  });

  it("[S18.7] an unknown, missing or revoked token on /v1/messages → 401, never forwarded", async () => {
    const { model, proxy } = await start();
    const grant = proxy.issue();
    grant.revoke();
    const attempts: Record<string, string>[] = [{}, { "x-api-key": "cdx-job-guessed" }, { "x-api-key": KEY }, { "x-api-key": grant.token }];
    // None, a guessed one, the real key itself, a revoked one.
    for (const headers of attempts) {
      const res = await post(proxy.anthropicBaseUrl, "/v1/messages", headers);
      expect(res.status).toBe(401);
      expect((await res.json()).error.code).toBe("invalid_proxy_token");
    }
    expect(model.requests).toHaveLength(0);
  });

  it("[S18.8] other Anthropic routes with a valid token (batches, count_tokens, models, files) → 404/405, never forwarded", async () => {
    const { model, proxy } = await start();
    const token = proxy.issue().token;
    for (const route of ["/v1/messages/batches", "/v1/messages/count_tokens", "/v1/files", "/v1/complete"]) {
      const res = await post(proxy.anthropicBaseUrl, route, { "x-api-key": token });
      expect(res.status, route).toBe(404);
      await res.text();
    }
    const get = await fetch(`${proxy.anthropicBaseUrl}/v1/models`, { headers: { "x-api-key": token } });
    expect(get.status).toBe(404);
    const getMessages = await fetch(`${proxy.anthropicBaseUrl}/v1/messages`, { headers: { "x-api-key": token } });
    expect(getMessages.status).toBe(405);
    expect(model.requests).toHaveLength(0);
  });

  it("[S18.9] a client's anthropic-dangerous-direct-browser-access, cookies, other query parameters → not forwarded", async () => {
    const { model, proxy } = await start();
    const res = await post(proxy.anthropicBaseUrl, "/v1/messages?beta=true&workspace=victim", {
      "x-api-key": proxy.issue().token,
      "anthropic-dangerous-direct-browser-access": "true",
      cookie: "session=stolen",
      "anthropic-organization": "org-victim",
    });
    expect(res.status).toBe(200);
    await res.text();
    const seen = model.requests[0]!;
    expect(seen.url).toBe("/v1/messages?beta=true");
    for (const name of ["anthropic-dangerous-direct-browser-access", "cookie", "anthropic-organization"])
      expect(seen.headers[name], name).toBeUndefined();
  });

  it("without an Anthropic upstream configured, Messages calls → 404", async () => {
    proxy = await startKeyProxy({ upstreamBaseUrl: "http://127.0.0.1:9/v1" });
    const res = await post(proxy.anthropicBaseUrl, "/v1/messages", { "x-api-key": proxy.issue().token });
    expect(res.status).toBe(404);
  });
});

// The key proxy's budgets, through the real proxy with both scripted stand-ins: a job's own total, a
// repository's and an installation's day totals (today's records plus live grants plus grants revoked since),
// for Responses (codex) and Messages (Claude) alike. A refused call is a 429 that names the budget.
import { afterEach, describe, expect, it } from "vitest";
import { startKeyProxy, type GrantBudget, type KeyProxy } from "../../src/agent/key-proxy.js";
import { startScriptedModel, type ScriptedModel } from "../../demo/scripted-model.js";
import { startScriptedMessages, type ScriptedMessages } from "../../demo/scripted-messages.js";

const responsesBody = { model: "gpt-5.5", stream: true, input: [{ type: "message", role: "user", content: "hi" }] };
const messagesBody = { model: "claude-sonnet-5", max_tokens: 100, stream: true, messages: [{ role: "user", content: "hi" }] };

let responses: ScriptedModel | undefined;
let messages: ScriptedMessages | undefined;
let proxy: KeyProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  await responses?.close();
  await messages?.close();
  proxy = responses = messages = undefined;
});

async function start(): Promise<KeyProxy> {
  responses = await startScriptedModel();
  messages = await startScriptedMessages();
  proxy = await startKeyProxy({
    upstreamBaseUrl: responses.baseUrl,
    upstreamApiKey: "sk-proj-real",
    anthropic: { upstreamBaseUrl: messages.baseUrl, upstreamApiKey: "sk-ant-real" },
  });
  return proxy;
}

/** One model call through the proxy: codex's (Responses, bearer token) or Claude's (Messages, x-api-key). */
async function call(
  p: KeyProxy,
  api: "responses" | "messages",
  token: string,
): Promise<{ status: number; body: string; headers: Headers }> {
  const res =
    api === "responses"
      ? await fetch(`${p.baseUrl}/responses`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
          body: JSON.stringify(responsesBody),
        })
      : await fetch(`${p.anthropicBaseUrl}/v1/messages?beta=true`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-api-key": token, "anthropic-version": "2023-06-01" },
          body: JSON.stringify(messagesBody),
        });
  return { status: res.status, body: await res.text(), headers: res.headers };
}

const upstreamCalls = () => (responses?.requests.length ?? 0) + (messages?.requests.length ?? 0);
const day = (key: string, dailyTokens: number, spentToday = 0) => ({ key, dailyTokens, spentToday });

describe("key proxy budgets", () => {
  it("stops a job at its own token budget: the call after the one that crossed it is refused with a 429 naming it", async () => {
    const p = await start();
    const grant = p.issue({ budget: { jobTokens: 5 } });
    expect((await call(p, "responses", grant.token)).status).toBe(200);
    const spent = grant.usage().totalTokens;
    expect(spent).toBeGreaterThanOrEqual(5);
    const refused = await call(p, "messages", grant.token);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("x-should-retry")).toBe("false");
    const error = JSON.parse(refused.body);
    expect(error).toMatchObject({ type: "error", error: { code: "budget_exceeded" } });
    expect(error.error.message).toContain("this job's token budget (5 tokens) is spent");
    expect(grant.stoppedBy()).toMatchObject({ stoppedBy: "budget:job", limit: 5, used: spent });
    expect(upstreamCalls()).toBe(1);
  });

  it("a job budget of 0 allows no model call at all", async () => {
    const p = await start();
    const grant = p.issue({ budget: { jobTokens: 0 } });
    expect(grant.check()?.stoppedBy).toBe("budget:job");
    expect((await call(p, "responses", grant.token)).status).toBe(429);
    expect(upstreamCalls()).toBe(0);
  });

  it("a repository whose day is already spent by earlier job records gets no model call", async () => {
    const p = await start();
    const grant = p.issue({ budget: { repo: day("octo/app", 1000, 1000) } });
    for (const api of ["responses", "messages"] as const) {
      const res = await call(p, api, grant.token);
      expect(res.status).toBe(429);
      expect(JSON.parse(res.body).error.message).toContain("this repository's daily token budget (1,000 tokens) is spent");
    }
    expect(grant.stoppedBy()?.stoppedBy).toBe("budget:repo");
    expect(upstreamCalls()).toBe(0);
  });

  it("counts both APIs toward a repository's day: Claude's Messages tokens and codex's Responses tokens add up", async () => {
    const p = await start();
    const probe = p.issue();
    await call(p, "messages", probe.token);
    const perMessages = probe.usage().totalTokens;
    await call(p, "responses", probe.token);
    const perResponses = probe.usage().totalTokens - perMessages;
    probe.revoke();
    expect(perMessages).toBeGreaterThan(0);
    expect(perResponses).toBeGreaterThan(0);

    // The day allows one call of each: a Claude job and a codex job of the same repository share it (the key is
    // case-insensitive, as GitHub's names are).
    const budget = (key: string): GrantBudget => ({ repo: day(key, perMessages + perResponses) });
    const claude = p.issue({ budget: budget("Octo/App") });
    const codex = p.issue({ budget: budget("octo/app") });
    const other = p.issue({ budget: budget("octo/other") });
    expect((await call(p, "messages", claude.token)).status).toBe(200);
    expect((await call(p, "responses", codex.token)).status).toBe(200);
    expect((await call(p, "responses", codex.token)).status).toBe(429);
    expect((await call(p, "messages", claude.token)).status).toBe(429);
    expect(claude.stoppedBy()?.stoppedBy).toBe("budget:repo");
    expect(codex.stoppedBy()?.stoppedBy).toBe("budget:repo");
    // Another repository's day is its own.
    expect((await call(p, "responses", other.token)).status).toBe(200);
    expect(other.stoppedBy()).toBeNull();
  });

  it("keeps counting a finished job's tokens for grants that were live while it ran (its record is not yet written)", async () => {
    const p = await start();
    const first = p.issue({ budget: { installation: day("42", 10) } });
    const second = p.issue({ budget: { installation: day("42", 10) } });
    expect((await call(p, "responses", first.token)).status).toBe(200);
    expect(first.usage().totalTokens).toBeGreaterThanOrEqual(10);
    first.revoke();
    const refused = await call(p, "messages", second.token);
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.body).error.message).toContain("this installation's daily token budget (10 tokens) is spent");
    expect(second.stoppedBy()?.stoppedBy).toBe("budget:installation");
  });

  it("checks the job budget first, then the repository's day, then the installation's", async () => {
    const p = await start();
    const grant = p.issue({ budget: { jobTokens: 0, repo: day("a/b", 0), installation: day("1", 0) } });
    expect(grant.check()?.budget).toBe("job");
    const repoFirst = p.issue({ budget: { repo: day("a/b", 0), installation: day("1", 0) } });
    expect(repoFirst.check()?.budget).toBe("repo");
    const open = p.issue({ budget: { jobTokens: 1, repo: day("a/b", 1), installation: day("1", 1) } });
    expect(open.check()).toBeNull();
  });
});

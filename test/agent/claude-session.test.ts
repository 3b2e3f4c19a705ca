// The agent step picks the backend from the repository's config: `agent.backend: claude` runs Claude Code
// through the same proxy grant, slot and isolation as codex, and the run says which agent worked.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pLimit from "p-limit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startKeyProxy, type KeyProxy } from "../../src/agent/key-proxy.js";
import { readEnv } from "../../src/config/env.js";
import { parseRepoConfig } from "../../src/config/repo-config.js";
import { agentFor, runAgentSession } from "../../src/pipeline/steps/agent-step.js";
import { startScriptedMessages, type ScriptedMessages } from "../../demo/scripted-messages.js";
import { ANTHROPIC_UPSTREAM_KEY, CLAUDE_TEST_MODEL } from "../helpers/claude.js";
import { initRepo } from "../helpers/codex.js";

let root: string;
let model: ScriptedMessages;
let proxy: KeyProxy;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "claude-session-"));
  model = await startScriptedMessages([{ kind: "text", text: "done" }]);
  proxy = await startKeyProxy({
    upstreamBaseUrl: "http://127.0.0.1:9/v1",
    anthropic: { upstreamBaseUrl: model.baseUrl, upstreamApiKey: ANTHROPIC_UPSTREAM_KEY },
  });
});
afterAll(async () => {
  await proxy.close();
  await model.close();
  await rm(root, { recursive: true, force: true });
});

describe("choosing the agent", () => {
  it("agent.backend defaults to codex; claude is accepted; anything else is an error naming the key", () => {
    const none = parseRepoConfig(null);
    expect(none.ok && none.config.agent.backend).toBe("codex");
    const claude = parseRepoConfig("agent:\n  backend: claude\n");
    expect(claude.ok && claude.config.agent.backend).toBe("claude");
    const bad = parseRepoConfig("agent:\n  backend: gemini\n");
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.errors.join("\n")).toMatch(/agent\.backend/);
  });

  it("agentFor gives each backend its binary from the environment", () => {
    const env = readEnv({ DATA_DIR: root, CLAUDE_BIN: "/opt/claude", CLAUDE_MODEL: "opus" });
    expect(agentFor("claude", env).backend).toBe("claude");
    expect(agentFor("codex", env).backend).toBe("codex");
  });

  it("a session with backend claude runs the real claude through a one-job grant, revoked afterwards", async () => {
    const env = readEnv({ DATA_DIR: root });
    const worktree = path.join(root, "wt");
    await initRepo(worktree);
    const issued: string[] = [];
    const keyProxy = {
      ...proxy,
      issue: (o?: { maxTotalTokens?: number }) => {
        const grant = proxy.issue(o);
        issued.push(grant.token);
        return grant;
      },
    };
    const run = await runAgentSession(
      { env, keyProxy, agentSlots: pLimit(1), isolation: null },
      {
        backend: "claude",
        cwd: worktree,
        jobDir: path.join(root, "job"),
        prompt: "go",
        sandbox: "read-only",
        model: CLAUDE_TEST_MODEL,
        timeoutMs: 60_000,
        instructions: null,
      },
    );
    expect(run.agent).toBe("claude");
    expect(run.outcome).toBe("completed");
    expect(run.finalMessage).toBe("done");
    expect(run.proxyTokens).toBeGreaterThan(0);
    expect(model.requests.at(-1)?.headers["x-api-key"]).toBe(ANTHROPIC_UPSTREAM_KEY);
    // The grant is gone once the session is over.
    const after = await fetch(`${proxy.anthropicBaseUrl}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": issued[0]! },
      body: "{}",
    });
    expect(after.status).toBe(401);
  });
});

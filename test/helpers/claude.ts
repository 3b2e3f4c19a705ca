// A rig for driving the real Claude Code binary offline: the scripted Messages API stand-in, the real key
// proxy in front of it holding a fake "real" Anthropic key, a per-test `git init` worktree and job directory.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { runClaude, type ClaudeRunOptions } from "../../src/agent/claude/claude-agent.js";
import type { AgentRun } from "../../src/agent/codex-run-types.js";
import { startKeyProxy, type KeyProxy, type ProxyGrant } from "../../src/agent/key-proxy.js";
import { startScriptedMessages, type MessagesScript, type ScriptedMessages } from "../../demo/scripted-messages.js";
import { initRepo } from "./codex.js";

// Shaped like an Anthropic key so redaction would notice it too; it is only ever sent to the stand-in.
export const ANTHROPIC_UPSTREAM_KEY = "sk-ant-api03-upstreamRealKeyForTests0123456789abcdefABCDEF";
export const CLAUDE_TEST_MODEL = "claude-sonnet-5";

export interface ClaudeRig {
  model: ScriptedMessages;
  proxy: KeyProxy;
  grant: ProxyGrant;
  worktree: string;
  jobDir: string;
  run(overrides?: Partial<ClaudeRunOptions>): Promise<AgentRun>;
  close(): Promise<void>;
}

export async function startClaudeRig(script: MessagesScript, grantOpts?: { maxTotalTokens?: number }): Promise<ClaudeRig> {
  const root = await mkdtemp(path.join(tmpdir(), "claude-rig-"));
  const worktree = path.join(root, "worktree");
  const jobDir = path.join(root, "job");
  await initRepo(worktree);
  const model = await startScriptedMessages(script);
  // The OpenAI side points nowhere: this rig only ever speaks the Messages API.
  const proxy = await startKeyProxy({
    upstreamBaseUrl: "http://127.0.0.1:9/v1",
    anthropic: { upstreamBaseUrl: model.baseUrl, upstreamApiKey: ANTHROPIC_UPSTREAM_KEY },
  });
  const grant = proxy.issue(grantOpts);
  return {
    model,
    proxy,
    grant,
    worktree,
    jobDir,
    run: (overrides) =>
      runClaude({
        cwd: worktree,
        jobDir,
        prompt: "Investigate the failure.",
        sandbox: "read-only",
        instructions: null,
        model: CLAUDE_TEST_MODEL,
        baseUrl: proxy.anthropicBaseUrl,
        token: grant.token,
        timeoutMs: 30_000,
        ...overrides,
      }),
    async close() {
      await proxy.close();
      await model.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pLimit from "p-limit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startKeyProxy, type KeyProxy } from "../../src/agent/key-proxy.js";
import { readEnv } from "../../src/config/env.js";
import { startScriptedModel, type ScriptedModel } from "../../demo/scripted-model.js";
import { runAgentSession } from "../../src/pipeline/steps/agent-step.js";
import { initRepo, TEST_MODEL, UPSTREAM_KEY } from "../helpers/codex.js";

// WORKER_CONCURRENCY bounds the agent runs of one process, whatever the job kinds (README); before, it was per
// job kind, so the default 2 meant up to 10 agents at once.
let root: string;
let model: ScriptedModel;
let proxy: KeyProxy;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "slots-"));
  model = await startScriptedModel([
    { kind: "exec", cmd: "sleep 1" },
    { kind: "message", text: "done" },
  ]);
  proxy = await startKeyProxy({ upstreamBaseUrl: model.baseUrl, upstreamApiKey: UPSTREAM_KEY });
});
afterAll(async () => {
  await proxy.close();
  await model.close();
  await rm(root, { recursive: true, force: true });
});

describe("agent slots", () => {
  it("three sessions with WORKER_CONCURRENCY=2 → never more than two codex processes at once", async () => {
    const env = readEnv({ WORKER_CONCURRENCY: "2", DATA_DIR: root });
    const deps = { env, keyProxy: proxy, agentSlots: pLimit(env.WORKER_CONCURRENCY), isolation: null };
    let running = 0;
    let peak = 0;
    const session = async (i: number) => {
      const worktree = path.join(root, `wt-${i}`);
      await initRepo(worktree);
      return runAgentSession(deps, {
        cwd: worktree,
        jobDir: path.join(root, `job-${i}`),
        prompt: "go",
        sandbox: "read-only",
        model: TEST_MODEL,
        timeoutMs: 60_000,
        instructions: null,
        onSpawn: () => {
          running += 1;
          peak = Math.max(peak, running);
        },
      }).finally(() => (running -= 1));
    };
    const runs = await Promise.all([0, 1, 2].map(session));
    expect(runs.map((r) => r.outcome)).toEqual(["completed", "completed", "completed"]);
    expect(peak).toBe(2);
  });
});

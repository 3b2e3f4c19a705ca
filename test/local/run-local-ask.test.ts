// runLocalAsk as the MCP server's local tools call it: in-process, typed, cancellable, printing nothing.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { AgentEvent } from "../../src/agent/agent.js";
import { runLocalAsk } from "../../src/local/ask.js";
import { waitFor } from "../helpers/codex.js";
import { startLocalRig, type LocalRig } from "../helpers/local-cli.js";

let rig: LocalRig | undefined;
const saved = { ...process.env };
beforeAll(() => {
  // The API reads the user's login from the environment, as the CLI process does.
  delete process.env.CODEX_HOME;
});
afterAll(() => {
  process.env = saved;
});
afterEach(async () => {
  // The rig's TMPDIR goes with it: the next rig is made in the real one.
  if (saved.TMPDIR === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = saved.TMPDIR;
  await rig?.close();
  rig = undefined;
  vi.restoreAllMocks();
});

async function rigWith(script: Parameters<typeof startLocalRig>[0]): Promise<LocalRig> {
  const r = await startLocalRig(script);
  Object.assign(process.env, { HOME: r.env.HOME, OPENAI_API_KEY: r.env.OPENAI_API_KEY, TMPDIR: r.env.TMPDIR });
  return r;
}

describe("runLocalAsk", () => {
  it("returns the parsed report and streams the agent's events, writing nothing to stdout or stderr", async () => {
    rig = await rigWith([
      { kind: "exec", cmd: "cat src/add.js" },
      { kind: "message", text: JSON.stringify({ answer: "a - b", references: [] }) },
    ]);
    const out = vi.spyOn(process.stdout, "write");
    const err = vi.spyOn(process.stderr, "write");
    const events: AgentEvent[] = [];
    const result = await runLocalAsk({
      task: "what?",
      cwd: rig.repo,
      agent: "codex",
      write: false,
      timeoutMs: 60_000,
      onEvent: (e) => events.push(e),
    });
    expect(result).toMatchObject({
      mode: "explain",
      ok: true,
      outcome: "completed",
      repoRoot: rig.repo,
      dirty: false,
      report: { answer: "a - b" },
    });
    expect(result.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(events.map((e) => e.type)).toContain("item.completed");
    expect(JSON.stringify(events)).toContain("return a - b;");
    expect(out).not.toHaveBeenCalled();
    expect(err).not.toHaveBeenCalled();
    expect(rig.extraWorktrees()).toEqual([]);
  }, 120_000);

  it("an aborted signal stops the agent: outcome cancelled, not ok, the checkout removed", async () => {
    rig = await rigWith([{ kind: "hang" }]);
    const controller = new AbortController();
    const model = rig.model;
    const running = runLocalAsk({ task: "x", cwd: rig.repo, agent: "codex", write: true, timeoutMs: 60_000, signal: controller.signal });
    await waitFor(() => model.requests.length > 0, 30_000);
    controller.abort();
    const result = await running;
    expect(result).toMatchObject({ mode: "write", ok: false, outcome: "cancelled", diff: "", policy: { empty: true } });
    expect(rig.extraWorktrees()).toEqual([]);
    expect(await rig.leftovers()).toEqual([]);
  }, 120_000);
});

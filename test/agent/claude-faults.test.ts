// A hung, crashing or killed Claude: every bad ending is a clear outcome with a readable reason, and no
// process is left behind.
import { readdirSync, readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { bash } from "../../demo/scripted-messages.js";
import { startClaudeRig, type ClaudeRig } from "../helpers/claude.js";
import { groupAlive, pidsMatching, waitFor } from "../helpers/codex.js";

/** Synchronous /proc scan (the stand-in's script callback is synchronous). */
function cmdlinesMatching(needle: string): string[] {
  return readdirSync("/proc")
    .filter((e) => /^\d+$/.test(e))
    .map((e) => {
      try {
        return readFileSync(`/proc/${e}/cmdline`, "latin1");
      } catch {
        return "";
      }
    })
    .filter((c) => c.includes(needle));
}

let rig: ClaudeRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe("runClaude faults", () => {
  it("a stand-in that never answers → timeout, and the whole process group (a background sleep too) is killed", async () => {
    const marker = 800_000 + Math.floor(Math.random() * 99_999);
    rig = await startClaudeRig([bash(`(sleep ${marker} &) ; echo started`), { kind: "hang" }]);
    let pgid = 0;
    const run = await rig.run({ sandbox: "workspace-write", timeoutMs: 4000, onSpawn: (pid) => (pgid = pid) });
    expect(run.outcome).toBe("timeout");
    expect(run.durationMs).toBeGreaterThanOrEqual(4000);
    expect(run.durationMs).toBeLessThan(10_000);
    expect(run.errors.at(-1)).toMatch(/did not finish within 4000 ms/);
    expect(run.commands[0]).toMatchObject({ exitCode: 0, status: "completed" });
    expect(pgid).toBeGreaterThan(0);
    expect(await waitFor(async () => !(await groupAlive(pgid)))).toBe(true);
    expect(await waitFor(async () => (await pidsMatching(`sleep ${marker}`)).length === 0)).toBe(true);
  });

  it("a background process a sandboxed command leaves is gone before the next model call (the sandbox's PID namespace ends with the command)", async () => {
    const marker = 700_000 + Math.floor(Math.random() * 99_999);
    const during: string[][] = [];
    rig = await startClaudeRig((req) => {
      if (req.toolResults.length === 1) during.push(cmdlinesMatching(`sleep\0${marker}`));
      return [bash(`(setsid sleep ${marker} &) ; echo started`), { kind: "text", text: "done" }];
    });
    const run = await rig.run({ sandbox: "workspace-write" });
    expect(run.outcome).toBe("completed");
    expect(run.commands[0]).toMatchObject({ exitCode: 0, status: "completed" });
    // Not even the leftovers sweep was needed: nothing of the command was alive when claude asked again.
    expect(during).toEqual([[]]);
  });

  it("cancels a run through its AbortSignal", async () => {
    rig = await startClaudeRig([{ kind: "hang" }]);
    const controller = new AbortController();
    let pgid = 0;
    const pending = rig.run({ signal: controller.signal, onSpawn: (pid) => (pgid = pid) });
    expect(await waitFor(() => (rig?.model.requests.length ?? 0) >= 1, 20_000)).toBe(true);
    controller.abort();
    const run = await pending;
    expect(run.outcome).toBe("cancelled");
    expect(await waitFor(async () => !(await groupAlive(pgid)))).toBe(true);
  });

  it("does not start claude at all when already aborted", async () => {
    rig = await startClaudeRig([{ kind: "text", text: "x" }]);
    const run = await rig.run({ signal: AbortSignal.abort() });
    expect(run).toMatchObject({ agent: "claude", outcome: "cancelled" });
    expect(rig.model.requests).toHaveLength(0);
  });

  it("a model API answering 500 → failed, saying the model call failed with HTTP 500", async () => {
    rig = await startClaudeRig([{ kind: "http-error", status: 500 }]);
    const run = await rig.run();
    expect(run.outcome).toBe("failed");
    expect(run.errors.at(-1)).toMatch(/model call failed \(HTTP 500\)/);
    // CLAUDE_CODE_MAX_RETRIES=2: the first call and two retries, not ten.
    expect(rig.model.requests).toHaveLength(3);
    expect(run.finalMessage).toBeUndefined();
  });

  it("a model API answering something that is not an event stream → failed with a reason", async () => {
    rig = await startClaudeRig([{ kind: "garbage" }]);
    const run = await rig.run();
    expect(run.outcome).toBe("failed");
    expect(run.errors.at(-1)).toMatch(/claude|model/);
    expect(run.errors.at(-1)?.length).toBeGreaterThan(20);
    expect(run.finalMessage).toBeUndefined();
  });

  it("claude killed mid-run (kill -9) → crashed", async () => {
    rig = await startClaudeRig([{ kind: "hang" }]);
    let pgid = 0;
    const pending = rig.run({ onSpawn: (pid) => (pgid = pid) });
    expect(await waitFor(() => (rig?.model.requests.length ?? 0) >= 1, 20_000)).toBe(true);
    process.kill(pgid, "SIGKILL");
    const run = await pending;
    expect(run.outcome).toBe("crashed");
    expect(run.errors.at(-1)).toContain("killed by SIGKILL");
  });

  it("a binary that cannot be started → crashed", async () => {
    rig = await startClaudeRig([]);
    const run = await rig.run({ claudeBin: "/nonexistent/claude" });
    expect(run.outcome).toBe("crashed");
    expect(run.errors.join("\n")).toMatch(/could not be started.*ENOENT/);
  });
});

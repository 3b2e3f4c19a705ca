import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RecordedRequest, ScriptStep } from "../../demo/scripted-model.js";
import { DEMO_FIX_CONFIG, issueFixScript, SUM_FIX_PATCH } from "../../demo/scenarios/issue-fix.js";
import { recordFaultRow } from "./fault-row.js";
import { descendantsOf, isCodex } from "./proc-tree.js";
import { fixThenNext } from "./fix-cases.js";
import { startFaultStack, type FaultStack } from "./stack.js";

// The real codex binary failing in the middle of a fix, after it has already patched the worktree: hanging
// (the model never answers, so the run's time limit stops it) and crashing (SIGKILL, as the OOM killer would).
// The issue gets one clear comment, nothing is pushed (no half-written branch), and the next job on the same
// worker opens its PR as usual. One worker, so "the same worker" is certain.
const about = (repo: string, req: RecordedRequest) => JSON.stringify(req.body).includes(`octo-org/${repo}`);
const script = (req: RecordedRequest): ScriptStep[] =>
  about("codex-hang", req) ? [{ kind: "patch", patch: SUM_FIX_PATCH }, { kind: "hang" }] : issueFixScript();
let stack: FaultStack;

beforeAll(async () => {
  stack = await startFaultStack({ workers: 1, script });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe("fault: codex hangs or crashes mid-fix", () => {
  it("Codex hanging → the run's time limit stops it, one clear comment, no branch; the next job is fine", async (ctx) => {
    // 0.1 minutes: the time limit a hung run meets, made short.
    const r = await fixThenNext(stack, "codex-hang", `${DEMO_FIX_CONFIG}agent:\n  timeout_minutes: 0.1\n`, async () => undefined);
    recordFaultRow(ctx, { case: "Codex hanging", ...r.row });
    expect(r.failed.record).toMatchObject({ status: "succeeded", outcome: "agent-failed: timeout" });
    expect(r.failed.counts.commentBodies.at(-1)).toContain("did not finish within its time limit");
    r.assertClean();
  }, 240_000);

  it("Codex crashing → SIGKILL of the codex process, one clear comment, no branch; the next job is fine", async (ctx) => {
    // Held after its patch, on its way back to the model: then killed.
    stack.gate.hold((body) => body.includes("octo-org/codex-crash") && body.includes("custom_tool_call_output"));
    const r = await fixThenNext(stack, "codex-crash", DEMO_FIX_CONFIG, async () => {
      await expect.poll(() => stack.gate.waiting(), { timeout: 60_000, interval: 200 }).toBeGreaterThan(0);
      const codex = await descendantsOf(stack.workers[0].pid, isCodex);
      expect(codex.length).toBeGreaterThan(0);
      for (const pid of codex) process.kill(pid, "SIGKILL");
      stack.gate.release();
    });
    recordFaultRow(ctx, { case: "Codex crashing (SIGKILL)", ...r.row });
    expect(r.failed.record).toMatchObject({ status: "succeeded", outcome: "agent-failed: crashed" });
    expect(r.failed.counts.commentBodies.at(-1)).toContain("stopped unexpectedly");
    r.assertClean();
  }, 240_000);
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordFaultRow } from "./fault-row.js";
import { ciFailureScript } from "../../demo/scenarios/ci-failure.js";
import { ciFailure, duplicatesOf, rowOf } from "./scenarios.js";
import { startFaultStack, type FaultStack } from "./stack.js";

// A worker is SIGKILLed while its codex run waits on the model (held at the gate) (nothing of it can clean up: no finally, no
// hand-back). Its heartbeats stop; once it has been silent for the dead-after time (5 s here: FAULT_QUEUE_ENV) the
// other worker's sweep retries the job at once, with the attempt limit at production's 45 minutes. What must not
// happen: a lost job, a wait for the attempt's expiry, or a second comment or check run from the retry meeting the
// first attempt's leftovers.
let stack: FaultStack;

beforeAll(async () => {
  stack = await startFaultStack({ workers: 2, script: ciFailureScript() });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe("fault: a worker killed mid-agent-run", () => {
  it("SIGKILL a worker mid-agent-run → the job finishes on another worker, one comment, one check run", async (ctx) => {
    const setup = await ciFailure(stack, "kill-worker");
    try {
      stack.gate.hold();
      const answer = await stack.deliver("workflow_run", setup.payload);
      expect(answer.status).toBe(200);
      // The agent is mid-run once its codex has asked the model (and the model holds the answer).
      await expect.poll(() => stack.gate.waiting(), { timeout: 60_000, interval: 200 }).toBeGreaterThan(0);
      const victim = stack.workerOf(setup.key);
      if (!victim) throw new Error("no worker logged starting the job");
      victim.kill("SIGKILL");
      expect((await victim.exited).signal).toBe("SIGKILL");
      const killedAt = Date.now();
      stack.gate.release();
      // The retry starts on the other worker within seconds of the kill (5 s to be counted dead, then a beat).
      await expect.poll(() => stack.workersThatStarted(setup.key).length, { timeout: 30_000, interval: 200 }).toBe(2);
      const retriedAfterMs = Date.now() - killedAt;

      const record = await stack.waitForJob(setup.key, 150_000);
      const counts = stack.counts(setup.repoFullName);
      const records = await stack.jobRecords(setup.repoFullName);
      const finishedOn = stack.workerOf(setup.key);
      const lost = record.status === "succeeded" ? 0 : 1;
      const duplicates = duplicatesOf(counts, { comments: 1, checkRuns: 1, prs: 1 }) + Math.max(0, records.length - 1);
      recordFaultRow(
        ctx,
        rowOf(
          "SIGKILL a worker mid-agent-run",
          `finished on ${finishedOn?.name} (attempt ${record.attempts}, retried ${(retriedAfterMs / 1000).toFixed(1)} s after the kill)`,
          counts,
          lost,
          duplicates,
        ),
      );

      expect(retriedAfterMs).toBeLessThan(15_000);
      expect(record).toMatchObject({ status: "succeeded", outcome: "explained: code" });
      expect(record.attempts).toBe(2);
      expect(finishedOn).toBeDefined();
      expect(finishedOn).not.toBe(victim);
      expect(counts.comments).toBe(1);
      expect(counts.checkRuns).toBe(1);
      expect(counts.prs).toBeLessThanOrEqual(1);
      expect(records).toHaveLength(1);
      expect({ lost, duplicates }).toEqual({ lost: 0, duplicates: 0 });
    } finally {
      await setup.remote.cleanup();
    }
  }, 240_000);
});

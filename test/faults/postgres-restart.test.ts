import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordFaultRow } from "./fault-row.js";
import { ciFailureScript } from "../../demo/scenarios/ci-failure.js";
import { ciFailure, duplicatesOf } from "./scenarios.js";
import { startFaultStack, type FaultStack } from "./stack.js";

// PostgreSQL goes down (an immediate stop: connections cut, as in a crash or a failover) while a worker's codex
// run waits on the model, and comes back on the same data dir and port.
//
// The web role's behaviour, which this case pins: a delivery that arrives while the database is down cannot be
// recorded, so it is answered 500 at once (the connection is refused; nothing waits out GitHub's 10 s), and
// GitHub's redelivery of that GUID after the database is back makes its one job. A 2xx for a delivery that was
// never stored would be a silent loss. The processes stay up through the outage and reconnect on their own.
let stack: FaultStack;

beforeAll(async () => {
  stack = await startFaultStack({ workers: 2, script: ciFailureScript() });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe("fault: PostgreSQL restarts mid-run", () => {
  it("restart PostgreSQL mid-run → deliveries in the outage answered 500 fast, redelivered: one job; the running job: one comment", async (ctx) => {
    const server = stack.pg.server;
    if (!server) throw new Error("the fault suite needs a PostgreSQL of its own to restart (TEST_DATABASE_URL is set)");
    const running = await ciFailure(stack, "pg-running");
    const outage = await ciFailure(stack, "pg-outage");
    try {
      stack.gate.hold();
      expect((await stack.deliver("workflow_run", running.payload)).status).toBe(200);
      await expect.poll(() => stack.gate.waiting(), { timeout: 60_000, interval: 200 }).toBeGreaterThan(0);

      await server.halt();
      const guid = randomUUID();
      const t0 = Date.now();
      const inOutage = await stack.deliver("workflow_run", outage.payload, guid);
      const outageMs = Date.now() - t0;
      // A few seconds down, as a restart or a failover takes.
      await new Promise((r) => setTimeout(r, 3000));
      await server.resume();
      stack.gate.release();

      const first = await stack.waitForJob(running.key, 120_000);
      // GitHub's "Redeliver": the same GUID, the same body. Until the pools have reconnected it may still fail.
      let redelivered = await stack.deliver("workflow_run", outage.payload, guid);
      for (let i = 0; i < 20 && redelivered.status >= 500; i++) {
        await new Promise((r) => setTimeout(r, 500));
        redelivered = await stack.deliver("workflow_run", outage.payload, guid);
      }
      const second = await stack.waitForJob(outage.key, 120_000);
      await new Promise((r) => setTimeout(r, 2000));

      const countsA = stack.counts(running.repoFullName);
      const countsB = stack.counts(outage.repoFullName);
      const records = [...(await stack.jobRecords(running.repoFullName)), ...(await stack.jobRecords(outage.repoFullName))];
      const alive = [stack.web, ...stack.workers].filter((p) => p.isRunning()).length;
      const lost = (first.status === "succeeded" ? 0 : 1) + (second.status === "succeeded" ? 0 : 1);
      const expected = { comments: 1, checkRuns: 1, prs: 0 };
      const duplicates = duplicatesOf(countsA, expected) + duplicatesOf(countsB, expected) + Math.max(0, records.length - 2);
      recordFaultRow(ctx, {
        case: "Restart PostgreSQL mid-run",
        outcome: `delivery in outage: ${inOutage.status} in ${outageMs} ms; redelivery: ${redelivered.status}; running job finished`,
        comments: countsA.comments + countsB.comments,
        checkRuns: countsA.checkRuns + countsB.checkRuns,
        prs: countsA.prs + countsB.prs,
        lost,
        duplicates,
      });

      expect(inOutage.status).toBeGreaterThanOrEqual(500);
      expect(outageMs).toBeLessThan(10_000);
      expect(redelivered.status).toBe(200);
      expect(first).toMatchObject({ status: "succeeded", outcome: "explained: code" });
      expect(second).toMatchObject({ status: "succeeded", outcome: "explained: code", attempts: 1 });
      expect(countsA).toMatchObject({ comments: 1, checkRuns: 1 });
      expect(countsB).toMatchObject({ comments: 1, checkRuns: 1 });
      expect(records).toHaveLength(2);
      expect(alive).toBe(1 + stack.workers.length);
      expect({ lost, duplicates }).toEqual({ lost: 0, duplicates: 0 });
    } finally {
      stack.gate.release();
      await running.remote.cleanup();
      await outage.remote.cleanup();
    }
  }, 240_000);
});

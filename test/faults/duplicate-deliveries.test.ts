import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, type TestContext } from "vitest";
import { recordFaultRow } from "./fault-row.js";
import { ciFailure, duplicatesOf, rowOf } from "./scenarios.js";
import { startFaultStack, type FaultStack } from "./stack.js";
import { ciFailureScript } from "../../demo/scenarios/ci-failure.js";

// GitHub delivers at least once: the same failed run reaches the app through many deliveries at the same moment
// (several web replicas, check_suite/check_run/workflow_run of one failure, a redelivery storm), and a person can
// press "Redeliver" on one delivery again and again. However many arrive, and however they race, one job runs
// and the pull request gets one comment.
let stack: FaultStack;

beforeAll(async () => {
  stack = await startFaultStack({ workers: 2, script: ciFailureScript() });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

async function hundredDeliveries(ctx: TestContext, name: string, repoName: string, guid: (i: number) => string) {
  const setup = await ciFailure(stack, repoName);
  try {
    const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => stack.deliver("workflow_run", setup.payload, guid(i))));
    const record = await stack.waitForJob(setup.key, 120_000);
    // A few polling rounds more, in which a second job or run would show.
    await new Promise((r) => setTimeout(r, 3000));
    const counts = stack.counts(setup.repoFullName);
    const records = await stack.jobRecords(setup.repoFullName);
    const { rows } = await stack.db.query<{ n: number }>("SELECT count(*)::int AS n FROM pgboss.job WHERE data->>'key' = $1", [setup.key]);
    const runs = stack.workers.reduce((n, w) => n + w.logs.filter((l) => l.msg === "job started" && l.key === setup.key).length, 0);
    const accepted = answers.filter((a) => a.status >= 200 && a.status < 300).length;
    const lost = record.status === "succeeded" ? 0 : 1;
    const duplicates =
      duplicatesOf(counts, { comments: 1, checkRuns: 1, prs: 0 }) +
      Math.max(0, records.length - 1) +
      Math.max(0, rows[0].n - 1) +
      Math.max(0, runs - 1);
    recordFaultRow(ctx, rowOf(name, `${accepted}/100 answered 2xx, ${records.length} job, ${runs} run`, counts, lost, duplicates));

    expect(answers.map((a) => a.status)).toEqual(Array(100).fill(200));
    expect(record).toMatchObject({ status: "succeeded", outcome: "explained: code", attempts: 1 });
    expect(records).toHaveLength(1);
    expect(rows[0].n).toBe(1);
    expect(runs).toBe(1);
    expect(counts.comments).toBe(1);
    expect(counts.checkRuns).toBe(1);
    expect({ lost, duplicates }).toEqual({ lost: 0, duplicates: 0 });
  } finally {
    await setup.remote.cleanup();
  }
}

describe("fault: one event delivered many times", () => {
  it("100 concurrent deliveries of one failed run (100 GUIDs) → one job, one comment", async (ctx) => {
    await hundredDeliveries(ctx, "100 concurrent deliveries of one event", "same-event", () => randomUUID());
  }, 180_000);

  it("100 redeliveries of one GUID → one job, one comment", async (ctx) => {
    const guid = randomUUID();
    await hundredDeliveries(ctx, "100 redeliveries of one GUID", "same-guid", () => guid);
  }, 180_000);
});

import { describe, expect, it } from "vitest";
import { enqueueOnce } from "../../src/jobs/enqueue.js";
import { recordDelivery } from "../../src/jobs/ledger.js";
import { getJobRecord } from "../../src/jobs/records.js";
import { useJobsDatabase } from "./setup.js";

// A job from a webhook writes its delivery's ledger row in the same statement as its record (enqueue.ts): what the
// ledger promised before holds, one statement fewer on the thread that answers GitHub.
describe("the delivery ledger written with the job record", () => {
  const env = useJobsDatabase();

  it("writes a job's delivery to the ledger in the same statement as its record, once per GUID, also for a redelivery", async () => {
    const guid = "5f2c9a40-0000-4000-8000-000000000001";
    const job = { key: "ledger-test:1", kind: "ledger-test", repo: "o/r", data: {} };
    const delivery = { guid, event: "workflow_run", action: "completed", repo: "o/r" };
    const ledger = async () =>
      (await env.db.query<{ n: number }>("SELECT count(*)::int AS n FROM codex_dispatch.deliveries WHERE guid = $1", [guid])).rows[0].n;
    expect(await enqueueOnce(env.db, env.queue, job, { delivery })).toMatchObject({ enqueued: true });
    expect(await ledger()).toBe(1);
    expect(await recordDelivery(env.db, delivery)).toBe(false);
    // A redelivery of the same GUID: no second job, no second ledger row, no error.
    expect(await enqueueOnce(env.db, env.queue, job, { delivery })).toMatchObject({ enqueued: false });
    expect(await ledger()).toBe(1);
    // A new GUID for a job that exists (GitHub's other event for the same failure) is still noted.
    await enqueueOnce(env.db, env.queue, job, { delivery: { ...delivery, guid: `${guid}-b` } });
    expect(await recordDelivery(env.db, { ...delivery, guid: `${guid}-b` })).toBe(false);
  });

  it("refuses a job whose delivery has no GUID before writing anything", async () => {
    const job = { key: "ledger-test:2", kind: "ledger-test", repo: "o/r", data: {} };
    await expect(enqueueOnce(env.db, env.queue, job, { delivery: { guid: "", event: "push" } })).rejects.toThrow(/delivery guid is empty/);
    expect(await getJobRecord(env.db, job.key)).toBeNull();
  });
});

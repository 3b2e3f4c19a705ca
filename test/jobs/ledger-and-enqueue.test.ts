import { describe, expect, it } from "vitest";
import { recordDelivery } from "../../src/jobs/ledger.js";
import { enqueueOnce } from "../../src/jobs/enqueue.js";
import { getJobRecord, countRecentJobs, listJobRecords } from "../../src/jobs/records.js";
import { jobIdForKey } from "../../src/jobs/job-id.js";
import { useJobsDatabase } from "./setup.js";

describe("delivery ledger and enqueueOnce (PGlite)", () => {
  const env = useJobsDatabase();

  it("reports a delivery GUID as new once, then as seen", async () => {
    const d = { guid: "72d3162e-cc78-11e3-81ab-4c9367dc0958", event: "check_run", action: "completed", repo: "o/r" };
    expect(await recordDelivery(env.db, d)).toBe(true);
    expect(await recordDelivery(env.db, d)).toBe(false);
    expect(await recordDelivery(env.db, { ...d, guid: "another" })).toBe(true);
  });

  it("rejects a delivery without a GUID with a clear error", async () => {
    await expect(recordDelivery(env.db, { guid: "", event: "push" })).rejects.toThrow(/delivery guid is empty/);
  });

  it("enqueues one pg-boss job and one record per key, also when called concurrently", async () => {
    const job = { key: "triage:o/r:abc123:1", kind: "triage", repo: "o/r", data: { sha: "abc123" }, meta: { branch: "main" } };
    const first = await enqueueOnce(env.db, env.queue, job);
    const again = await enqueueOnce(env.db, env.queue, job);
    expect(first).toEqual({ enqueued: true, id: jobIdForKey(job.key) });
    expect(again).toEqual({ enqueued: false, id: first.id });

    const other = { ...job, key: "triage:o/r:def456:1" };
    const results = await Promise.all(Array.from({ length: 8 }, () => enqueueOnce(env.db, env.queue, other)));
    expect(results.filter((r) => r.enqueued)).toHaveLength(1);

    const { rows } = await env.db.query<{ n: number }>("SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'triage'");
    expect(rows[0].n).toBe(2);
    const records = await listJobRecords(env.db, { limit: 10, repo: "o/r" });
    expect(records.map((r) => r.key).sort()).toEqual([job.key, other.key].sort());
    const record = await getJobRecord(env.db, job.key);
    expect(record).toMatchObject({ status: "queued", attempts: 0, kind: "triage", data: { sha: "abc123" }, meta: { branch: "main" } });
  });

  it("removes the record when the send fails, so a redelivery can enqueue again", async () => {
    const job = { key: "fix:o/r:issue-7", kind: "fix", repo: "o/fix", data: { issue: 7 } };
    const broken = { ...env.queue, send: async () => Promise.reject(new Error("queue is down")) };
    await expect(enqueueOnce(env.db, broken, job)).rejects.toThrow("queue is down");
    expect(await getJobRecord(env.db, job.key)).toBeNull();
    expect((await enqueueOnce(env.db, env.queue, job)).enqueued).toBe(true);
  });

  it("refuses a kind that is not a queue name", async () => {
    await expect(enqueueOnce(env.db, env.queue, { key: "k", kind: "Bad Kind!", repo: "o/r", data: {} })).rejects.toThrow(
      /invalid job kind/,
    );
  });

  it("counts recent jobs of a kind per branch", async () => {
    const since = Date.now() - 60_000;
    for (const [i, branch] of ["main", "main", "dev"].entries()) {
      await enqueueOnce(env.db, env.queue, { key: `fix-${i}`, kind: "fix", repo: "o/count", data: {}, meta: { branch } });
    }
    await enqueueOnce(env.db, env.queue, { key: "triage-x", kind: "triage", repo: "o/count", data: { branch: "main" } });
    expect(await countRecentJobs(env.db, { repo: "o/count", branch: "main", kind: "fix", sinceMs: since })).toBe(2);
    expect(await countRecentJobs(env.db, { repo: "o/count", branch: "main", kind: "triage", sinceMs: since })).toBe(1);
    expect(await countRecentJobs(env.db, { repo: "o/count", branch: "main", kind: "fix", sinceMs: Date.now() + 60_000 })).toBe(0);
  });
});

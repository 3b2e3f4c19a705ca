import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ciFailureScript } from "../../demo/scenarios/ci-failure.js";
import { recordFaultRow } from "./fault-row.js";
import { requestsTo, runsOf, SECONDARY_LIMIT_MESSAGE, waitAfter } from "./github-faults.js";
import { ciFailure, duplicatesOf, rowOf } from "./scenarios.js";
import { startFaultStack, type FaultStack } from "./stack.js";

// GitHub refusing or breaking the writes a triage ends with: the check run and the PR comment. A 5xx may come
// after GitHub did the write (a proxy timing out in front of a slow but successful request), so a blind repeat
// of the POST would leave a second comment; a rate limit says how long to wait, and the worker should wait that
// long in place rather than fail the attempt and run the agent again.
let stack: FaultStack;

beforeAll(async () => {
  stack = await startFaultStack({ workers: 2, script: () => ciFailureScript() });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

const comments = (repo: string) => new RegExp(`^/repos/octo-org/${repo}/issues/\\d+/comments$`);
const checkRuns = (repo: string) => new RegExp(`^/repos/octo-org/${repo}/check-runs$`);

describe("fault: GitHub errors on the writes a triage makes", () => {
  it("GitHub 500, then 502 after doing the write, on the check run and the comment → one check run, one comment", async (ctx) => {
    const setup = await ciFailure(stack, "gh-5xx");
    try {
      for (const path of [checkRuns("gh-5xx"), comments("gh-5xx")]) {
        stack.standIn.injectFault({ method: "POST", path, status: 500, times: 1 });
        stack.standIn.injectFault({ method: "POST", path, status: 502, times: 1, afterHandling: true });
      }
      expect((await stack.deliver("workflow_run", setup.payload)).status).toBe(200);
      const record = await stack.waitForJob(setup.key, 90_000);
      const counts = stack.counts(setup.repoFullName);
      const posts = [checkRuns("gh-5xx"), comments("gh-5xx")].map((p) => requestsTo(stack, "POST", p).map((r) => r.status));
      const runs = runsOf(stack, setup.key);
      const lost = record.status === "succeeded" ? 0 : 1;
      const duplicates = duplicatesOf(counts, { comments: 1, checkRuns: 1, prs: 0 });
      const outcome = `${record.outcome ?? record.status}, attempt ${record.attempts}; POST check-runs ${posts[0].join("→")}, comments ${posts[1].join("→")}`;
      recordFaultRow(ctx, rowOf("GitHub 500, then 502 after the write", outcome, counts, lost, duplicates));

      // Both faults were met (a 500, nothing written; a 502 after the write), and no third POST: the look found it.
      expect(posts[0]).toEqual([500, 502]);
      expect(posts[1]).toEqual([500, 502]);
      expect(record).toMatchObject({ status: "succeeded", outcome: "explained: code" });
      expect(counts.comments).toBe(1);
      expect(counts.checkRuns).toBe(1);
      expect({ lost, duplicates }).toEqual({ lost: 0, duplicates: 0 });
      expect(runs).toBe(1);
    } finally {
      await setup.remote.cleanup();
    }
  }, 120_000);

  it("GitHub 403 secondary rate limit (retry-after 3) and 429 (retry-after 2) → waits as told, one run, one comment", async (ctx) => {
    const setup = await ciFailure(stack, "gh-limits");
    try {
      const limit = { message: SECONDARY_LIMIT_MESSAGE, times: 1 };
      stack.standIn.injectFault({ method: "POST", path: comments("gh-limits"), status: 403, headers: { "retry-after": "3" }, ...limit });
      stack.standIn.injectFault({ method: "POST", path: checkRuns("gh-limits"), status: 429, headers: { "retry-after": "2" }, ...limit });
      expect((await stack.deliver("workflow_run", setup.payload)).status).toBe(200);
      const record = await stack.waitForJob(setup.key, 90_000);
      const counts = stack.counts(setup.repoFullName);
      const waited403 = waitAfter(requestsTo(stack, "POST", comments("gh-limits")), 403);
      const waited429 = waitAfter(requestsTo(stack, "POST", checkRuns("gh-limits")), 429);
      const runs = runsOf(stack, setup.key);
      const lost = record.status === "succeeded" ? 0 : 1;
      const duplicates = duplicatesOf(counts, { comments: 1, checkRuns: 1, prs: 0 });
      const secs = (ms: number | null) => (ms === null ? "no retry" : `${(ms / 1000).toFixed(1)} s`);
      const outcome = `${record.outcome ?? record.status}, ${runs} run; waited ${secs(waited403)} after 403, ${secs(waited429)} after 429`;
      recordFaultRow(ctx, rowOf("GitHub 403 secondary limit + 429, retry-after", outcome, counts, lost, duplicates));

      // Waited in place as told (a little slack for the clock between the answer and the next request).
      expect(waited403).toBeGreaterThanOrEqual(2900);
      expect(waited429).toBeGreaterThanOrEqual(1900);
      // …and no longer than needed: a failed attempt's retry would rerun the agent and take far longer.
      expect(waited403).toBeLessThan(10_000);
      expect(waited429).toBeLessThan(10_000);
      expect(record).toMatchObject({ status: "succeeded", outcome: "explained: code", attempts: 1 });
      expect(runs).toBe(1);
      expect(counts.comments).toBe(1);
      expect(counts.checkRuns).toBe(1);
      expect({ lost, duplicates }).toEqual({ lost: 0, duplicates: 0 });
    } finally {
      await setup.remote.cleanup();
    }
  }, 120_000);
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ciFailureScript } from "../../demo/scenarios/ci-failure.js";
import { workflowRunTriageKey } from "../../src/jobs/keys.js";
import { recordFaultRow } from "./fault-row.js";
import { requestsTo, runsOf } from "./github-faults.js";
import { ciFailure, duplicatesOf, rowOf } from "./scenarios.js";
import { startFaultStack, type FaultStack } from "./stack.js";

// GitHub answering "no" for good: an App uninstalled while deliveries for it were on their way (every token
// request 404s), and a log whose signed download URL has expired. Neither may turn into a storm of requests.
let stack: FaultStack;

beforeAll(async () => {
  stack = await startFaultStack({ workers: 2, script: () => ciFailureScript() });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

const GONE_INSTALLATION = 90_404;
const STREAM = 5;

describe("fault: GitHub refusing for good", () => {
  it("a stream of deliveries for an uninstalled App (token requests 404) → each job fails once, no retry storm", async (ctx) => {
    const setup = await ciFailure(stack, "uninstalled");
    try {
      const base = setup.payload as { workflow_run: Record<string, unknown> };
      const keys: string[] = [];
      const answers = [];
      for (let i = 0; i < STREAM; i++) {
        const headSha = `${String(i + 1).repeat(8)}${"0".repeat(32)}`;
        const runId = setup.runId + 1000 + i;
        const workflowRun = { ...base.workflow_run, id: runId, head_sha: headSha, head_branch: `topic-${i}`, pull_requests: [] };
        keys.push(workflowRunTriageKey(setup.repoFullName, headSha, runId, 1));
        answers.push(
          await stack.deliver("workflow_run", { ...setup.payload, workflow_run: workflowRun, installation: { id: GONE_INSTALLATION } }),
        );
      }
      const records = await Promise.all(keys.map((k) => stack.waitForJob(k, 90_000)));
      // A few polling rounds more, in which a retry would show.
      await new Promise((r) => setTimeout(r, 3000));
      const tokenRequests = requestsTo(stack, "POST", new RegExp(`^/app/installations/${GONE_INSTALLATION}/access_tokens$`));
      const counts = stack.counts(setup.repoFullName);
      const attempts = records.reduce((n, r) => n + r.attempts, 0);
      const lost = records.filter((r) => r.status !== "failed" && r.status !== "succeeded").length;
      const duplicates = duplicatesOf(counts, { comments: 0, checkRuns: 0, prs: 0 });
      const outcome = `${STREAM} jobs "${records[0].outcome}" (${attempts} attempts), ${tokenRequests.length} token requests (404); no comment possible`;
      recordFaultRow(ctx, rowOf("404s for an uninstalled App (stream of 5)", outcome, counts, lost, duplicates));

      expect(answers.map((a) => a.status)).toEqual(Array(STREAM).fill(200));
      for (const record of records) {
        // Failed for good on its first attempt, saying why; no queue retry, no give-up report that would 404 too.
        expect(record).toMatchObject({ status: "failed", attempts: 1, outcome: "failed: app not installed" });
        expect(record.error).toContain(`the App is not installed for this repository any more`);
        expect(record.error).toContain(`installation ${GONE_INSTALLATION}`);
      }
      expect(keys.map((k) => runsOf(stack, k))).toEqual(Array(STREAM).fill(1));
      expect(tokenRequests.every((r) => r.status === 404)).toBe(true);
      // At most two a job, not a storm (before the fix: 41 for these five, three attempts and repeated give-ups each).
      expect(tokenRequests.length).toBeLessThanOrEqual(2 * STREAM);
      expect(counts.comments + counts.checkRuns).toBe(0);
      expect({ lost, duplicates }).toEqual({ lost: 0, duplicates: 0 });
    } finally {
      await setup.remote.cleanup();
    }
  }, 150_000);

  it("an expired log URL (the first signed link answers 403) → a fresh link, the triage explains, one comment", async (ctx) => {
    const setup = await ciFailure(stack, "expired-log", { expireFirstLinks: 1 });
    try {
      expect((await stack.deliver("workflow_run", setup.payload)).status).toBe(200);
      const record = await stack.waitForJob(setup.key, 90_000);
      const counts = stack.counts(setup.repoFullName);
      const logAsks = requestsTo(stack, "GET", new RegExp(`^/repos/octo-org/expired-log/actions/jobs/${setup.jobId}/logs$`));
      const blobs = stack.standIn.requests.filter((r) => r.path.startsWith("/_blobs/")).map((r) => r.status);
      const lost = record.status === "succeeded" ? 0 : 1;
      const duplicates = duplicatesOf(counts, { comments: 1, checkRuns: 1, prs: 0 });
      const outcome = `${record.outcome ?? record.status}; log link asked ${logAsks.length}×, blob host ${blobs.join("→")}`;
      recordFaultRow(ctx, rowOf("expired log URL (first link)", outcome, counts, lost, duplicates));

      expect(blobs.slice(0, 2)).toEqual([403, 200]);
      expect(logAsks).toHaveLength(2);
      expect(record).toMatchObject({ status: "succeeded", outcome: "explained: code", attempts: 1 });
      expect(runsOf(stack, setup.key)).toBe(1);
      expect(counts.comments).toBe(1);
      expect(counts.checkRuns).toBe(1);
      expect({ lost, duplicates }).toEqual({ lost: 0, duplicates: 0 });
    } finally {
      await setup.remote.cleanup();
    }
  }, 120_000);

  it("every signed log link expired → one clear comment that the log could not be read, a bounded number of asks", async (ctx) => {
    const setup = await ciFailure(stack, "log-gone", { expireFirstLinks: 1000 });
    try {
      const blobsBefore = stack.standIn.requests.filter((r) => r.path.startsWith("/_blobs/")).length;
      expect((await stack.deliver("workflow_run", setup.payload)).status).toBe(200);
      const record = await stack.waitForJob(setup.key, 90_000);
      const counts = stack.counts(setup.repoFullName);
      const logAsks = requestsTo(stack, "GET", new RegExp(`^/repos/octo-org/log-gone/actions/jobs/${setup.jobId}/logs$`));
      const blobs = stack.standIn.requests.filter((r) => r.path.startsWith("/_blobs/")).slice(blobsBefore);
      const lost = record.status === "succeeded" || record.status === "failed" ? 0 : 1;
      const duplicates = duplicatesOf(counts, { comments: 1, checkRuns: 1, prs: 0 });
      const outcome = `${record.status} after ${record.attempts} attempts, log link asked ${logAsks.length}×; give-up comment: could not download the log`;
      recordFaultRow(ctx, rowOf("expired log URL (every link)", outcome, counts, lost, duplicates));

      // What the app does: three fresh links per attempt, the queue's three attempts, then the give-up comment
      // (the triage never reached its check run). Bounded: links × attempts, each attempt a cheap gather.
      expect(record).toMatchObject({ status: "failed", attempts: 3 });
      expect(logAsks.length).toBeLessThanOrEqual(3 * record.attempts);
      expect(blobs.every((r) => r.status === 403)).toBe(true);
      expect(counts.comments).toBe(1);
      expect(counts.commentBodies[0]).toContain("Codex triage did not finish");
      expect(counts.commentBodies[0]).toMatch(/could not download the log of job \d+ \(try 1: [^)]* answered 403/);
      // The signed URL is a credential: the comment names its host only.
      expect(counts.commentBodies[0]).not.toMatch(/_blobs|sig=/);
      expect(counts.checkRuns).toBe(0);
      expect({ lost, duplicates }).toEqual({ lost: 0, duplicates: 0 });
    } finally {
      await setup.remote.cleanup();
    }
  }, 120_000);
});

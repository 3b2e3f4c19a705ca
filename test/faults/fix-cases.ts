// The shape shared by the cases where one fix job fails for a fault (codex hanging or crashing, the disk full):
// a labelled issue whose fix meets the fault, then a healthy fix on the same worker. What both must show is
// checked here once: one clear comment and nothing pushed for the first, a PR for the next.
import { expect } from "vitest";
import type { Harness } from "../../demo/harness.js";
import { setupIssueFix } from "../../demo/scenarios/issue-fix.js";
import type { JobRecord } from "../../src/jobs/records.js";
import type { GitHubCounts } from "./counts.js";
import type { FaultRow } from "./fault-row.js";
import type { FaultStack } from "./stack.js";

/** A healthy fix with the demo's config: the issue hears of the PR, and the PR gets the reviewer mention. */
const NEXT_COMMENTS = 2;

export interface FixFaultResult {
  failed: { record: JobRecord; counts: GitHubCounts; worker?: string };
  next: { record: JobRecord; counts: GitHubCounts; worker?: string };
  /** The row without its case name: counts of both jobs together. */
  row: Omit<FaultRow, "case">;
  /** The assertions every such case makes: clear comment, no branch, next job fine on the same worker, 0 lost/dup. */
  assertClean(): void;
}

export async function fixThenNext(
  stack: FaultStack,
  repoName: string,
  config: string,
  during: () => Promise<void>,
): Promise<FixFaultResult> {
  const seed = { standIn: stack.standIn } as Harness;
  const first = await setupIssueFix(seed, { repoName, config });
  // A name that does not contain the first's "octo-org/<repoName>", which scripts and the gate match on.
  const second = await setupIssueFix(seed, { repoName: `after-${repoName}` });
  try {
    expect((await stack.deliver("issues", first.payload, first.deliveryId)).status).toBe(200);
    await during();
    const failedRecord = await stack.waitForJob(first.key, 150_000);
    const failed = { record: failedRecord, counts: stack.counts(first.repoFullName), worker: stack.workerOf(first.key)?.name };
    expect((await stack.deliver("issues", second.payload, second.deliveryId)).status).toBe(200);
    const nextRecord = await stack.waitForJob(second.key, 150_000);
    const next = { record: nextRecord, counts: stack.counts(second.repoFullName), worker: stack.workerOf(second.key)?.name };
    const records = [...(await stack.jobRecords(first.repoFullName)), ...(await stack.jobRecords(second.repoFullName))];

    // A job that failed for good, said so and ended is not lost: lost is a job that never reached an end.
    const lost = [failedRecord, nextRecord].filter((r) => r.status !== "succeeded" && !(r.status === "failed" && r.finishedAt)).length;
    const duplicates =
      Math.max(0, failed.counts.comments - 1) +
      failed.counts.prs +
      Math.max(0, next.counts.prs - 1) +
      Math.max(0, next.counts.comments - NEXT_COMMENTS) +
      Math.max(0, records.length - 2);
    const halfWritten = failed.counts.botBranches.length;
    const row = {
      outcome: `${failedRecord.outcome ?? `failed after ${failedRecord.attempts} attempts`}: 1 clear comment, ${halfWritten} branch left; next job on ${next.worker}: ${nextRecord.outcome}`,
      comments: failed.counts.comments + next.counts.comments,
      checkRuns: failed.counts.checkRuns + next.counts.checkRuns,
      prs: failed.counts.prs + next.counts.prs,
      lost,
      duplicates,
    };
    return {
      failed,
      next,
      row,
      assertClean() {
        expect(failed.counts.comments).toBe(1);
        expect(failed.counts.prs).toBe(0);
        expect(failed.counts.botBranches).toEqual([]);
        expect(nextRecord).toMatchObject({ status: "succeeded" });
        expect(nextRecord.outcome).toMatch(/^pr-opened/);
        expect(next.counts.prs).toBe(1);
        expect(next.counts.comments).toBe(NEXT_COMMENTS);
        expect(next.worker).toBe(failed.worker);
        expect(records).toHaveLength(2);
        expect({ lost, duplicates }).toEqual({ lost: 0, duplicates: 0 });
      },
    };
  } finally {
    await first.remote.cleanup();
    await second.remote.cleanup();
  }
}

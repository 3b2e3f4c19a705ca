// Warm and cold triages one at a time: each on a new repository (cold: the mirror is made and fetched whole),
// or each a new commit of a repository the bot has already seen (warm: the mirror only fetches what is new).
import type { Harness } from "../../demo/harness.js";
import { createBenchRepo } from "./pipeline-repo.js";
import { splitPhases, waitForRecord, type PhaseRow } from "./pipeline-phases.js";

/**
 * Runs start at least this far apart (BENCH_GAP_MS), as failures do that GitHub lets one installation answer: a
 * triage makes 3 writes (first comment, its edit, the check run) and GitHub allows about 80 content-creating
 * writes a minute, so about one triage every 2.3 s at most, sustained. Back to back, the scripted model makes a
 * triage take ~1 s, and each run would wait for the write pacing (src/github/write-limits.ts) that the
 * previous runs used up: that wait is GitHub's limit showing, measured by the concurrency part, not overhead of
 * the run being timed. 3 s lets the pacing's buckets refill what one triage takes.
 */
export const RUN_GAP_MS = Number(process.env.BENCH_GAP_MS ?? 3000);
let lastStart = 0;

async function paced(): Promise<void> {
  const wait = lastStart + RUN_GAP_MS - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  lastStart = Date.now();
}

async function timedRun(h: Harness, requests: number[], run: { payload: Record<string, unknown>; key: string }): Promise<PhaseRow> {
  await paced();
  const delivered = Date.now();
  await h.deliver("workflow_run", run.payload);
  const record = await waitForRecord(h, run.key);
  if (record.outcome !== "explained: code") throw new Error(`${run.key} ended ${record.status}: ${record.outcome ?? record.error}`);
  return splitPhases(record, delivered, requests);
}

export async function coldRuns(h: Harness, requests: number[], runs: number, prefix: string): Promise<PhaseRow[]> {
  const rows: PhaseRow[] = [];
  for (let i = 0; i < runs; i++) {
    const repo = await createBenchRepo(h, `${prefix}-cold-${i}`);
    rows.push(await timedRun(h, requests, await repo.failingRun()));
  }
  return rows;
}

/** `runs` triages of one repository after one that warms its mirror (not counted). */
export async function warmRuns(h: Harness, requests: number[], runs: number, prefix: string): Promise<PhaseRow[]> {
  const repo = await createBenchRepo(h, `${prefix}-warm`);
  await timedRun(h, requests, await repo.failingRun());
  const rows: PhaseRow[] = [];
  for (let i = 0; i < runs; i++) rows.push(await timedRun(h, requests, await repo.failingRun()));
  return rows;
}

// Warm and cold triages one at a time: each on a new repository (cold: the mirror is made and fetched whole),
// or each a new commit of a repository the bot has already seen (warm: the mirror only fetches what is new).
import type { Harness } from "../../demo/harness.js";
import { createBenchRepo } from "./pipeline-repo.js";
import { splitPhases, waitForRecord, type PhaseRow } from "./pipeline-phases.js";

async function timedRun(h: Harness, requests: number[], run: { payload: Record<string, unknown>; key: string }): Promise<PhaseRow> {
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

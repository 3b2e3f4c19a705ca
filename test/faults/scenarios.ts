// The demo's scenarios (demo/scenarios/), seeded into the fault stack's stand-in, each in a repository of its own
// so that the cases of one file never count each other's comments; and a model script that can hold its answer.
import type { Harness } from "../../demo/harness.js";
import { ciFailureScript, setupCiFailure, type CiFailureOptions, type CiFailureSetup } from "../../demo/scenarios/ci-failure.js";
import type { RecordedRequest, ScriptStep } from "../../demo/scripted-model.js";
import type { FaultRow } from "./fault-row.js";
import type { FaultStack } from "./stack.js";
import type { GitHubCounts } from "./counts.js";

/** The scenarios read only the stand-in from the harness they are given. */
const seedOnly = (stack: FaultStack) => ({ standIn: stack.standIn }) as Harness;

/** A failed workflow run on a pull request (a triage job) in the repository `octo-org/<repoName>`. */
export function ciFailure(stack: FaultStack, repoName: string, opts: Omit<CiFailureOptions, "repoName"> = {}): Promise<CiFailureSetup> {
  return setupCiFailure(seedOnly(stack), { ...opts, repoName });
}

/**
 * A script that answers every request whose prompt contains `marker` with `steps` (default: a good triage), and
 * holds (never answers) while `hold.on` is true. Requests not marked get a good triage, so one model serves
 * the cases of a file side by side.
 */
export function holdableScript(hold: { on: boolean }, marked: (req: RecordedRequest) => boolean = () => true) {
  return (req: RecordedRequest): ScriptStep[] => (hold.on && marked(req) ? [{ kind: "hang" }] : ciFailureScript());
}

/** Whether a model request is about the repository `octo-org/<repoName>` (its prompt names it). */
export function aboutRepo(repoName: string) {
  return (req: RecordedRequest) => JSON.stringify(req.body).includes(`octo-org/${repoName}`);
}

/** Duplicates as the table counts them: every comment, check run or PR beyond the one a job may post. */
export function duplicatesOf(counts: GitHubCounts, expected: { comments: number; checkRuns: number; prs: number }): number {
  return (
    Math.max(0, counts.comments - expected.comments) +
    Math.max(0, counts.checkRuns - expected.checkRuns) +
    Math.max(0, counts.prs - expected.prs)
  );
}

/** A row from counts: `lost` is the jobs accepted that never ended, `duplicates` as duplicatesOf. */
export function rowOf(name: string, outcome: string, counts: GitHubCounts, lost: number, duplicates: number): FaultRow {
  return { case: name, outcome, comments: counts.comments, checkRuns: counts.checkRuns, prs: counts.prs, lost, duplicates };
}

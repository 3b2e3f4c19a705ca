// fix.race_judge: checks. Both candidates of a race are open as draft PRs (race-checks.ts); each time a workflow
// run of one of their heads completes, this job looks whether both candidates' CI is done. If so, the winner is
// the one whose runs all passed, then the smaller diff, then the lower cost: its PR stays, the other is closed with
// a comment saying why, and the race is recorded for `agent.routing: auto`. While a run is still going, it waits.
import { closePullRequest } from "../../github/close-pull-request.js";
import { postComment } from "../../github/comments.js";
import { listCommitRuns } from "../../github/commit-runs.js";
import { recordRaceResult } from "../../jobs/agent-runs.js";
import { decideRace, raceCandidates, type RaceCandidate } from "../../jobs/race-candidates.js";
import type { RaceJudgeJob } from "../../jobs/types.js";
import type { JobContext, JobResult } from "../../jobs/worker/job-context.js";
import { agentName, formatCost } from "../steps/spend.js";
import type { PipelineDeps } from "../deps.js";

type CiState = "pending" | "passed" | "failed";
const PASSING = new Set(["success", "neutral", "skipped"]);

/** A commit's CI: pending until it has runs and all of them completed; passed when every one passed. */
export function ciStateOf(runs: { status: string | null; conclusion: string | null }[]): CiState {
  if (runs.length === 0 || runs.some((r) => r.status !== "completed")) return "pending";
  return runs.every((r) => PASSING.has(r.conclusion ?? "")) ? "passed" : "failed";
}

export async function runRaceJudge(deps: PipelineDeps, job: RaceJudgeJob, _ctx: JobContext): Promise<JobResult> {
  const candidates = await raceCandidates(deps.db, job.raceKey);
  if (candidates.length !== 2) return { outcome: "no race to judge" };
  if (candidates.some((c) => c.result !== null)) return { outcome: "already decided" };
  const gh = await deps.github(job.installationId);
  const { owner, name: repo } = job.repo;
  const states = await Promise.all(candidates.map(async (c) => ciStateOf(await listCommitRuns(gh, { owner, repo, headSha: c.headSha }))));
  if (states.includes("pending")) return { outcome: "waiting for CI" };

  const scored = candidates.map((c, i) => ({ c, passed: states[i] === "passed" }));
  const cost = (c: RaceCandidate) => c.costUsd ?? Number.POSITIVE_INFINITY;
  scored.sort((a, b) => Number(b.passed) - Number(a.passed) || a.c.lines - b.c.lines || cost(a.c) - cost(b.c));
  const [win, lose] = scored;
  const margin =
    win.passed !== lose.passed
      ? `its CI passed and the other's failed`
      : !win.passed
        ? `neither candidate's CI passed; it has the smaller diff (${win.c.lines} lines against ${lose.c.lines})`
        : win.c.lines !== lose.c.lines
          ? `both passed CI; a smaller diff (${win.c.lines} lines against ${lose.c.lines})`
          : `both passed CI with equal diffs; a lower cost (${formatCost(win.c.costUsd)} against ${formatCost(lose.c.costUsd)})`;

  await decideRace(deps.db, job.raceKey, win.c.agent);
  const winner = agentName(win.c.agent);
  await postComment(gh, {
    owner,
    repo,
    issueNumber: lose.c.prNumber,
    body: `Closed: this was ${agentName(lose.c.agent)}'s candidate in a race; ${winner}'s #${win.c.prNumber} won (${margin}). Its branch is kept.`,
  });
  await closePullRequest(gh, { owner, repo, number: lose.c.prNumber });
  await postComment(gh, {
    owner,
    repo,
    issueNumber: win.c.prNumber,
    body: `${winner}'s candidate won the race against #${lose.c.prNumber} (${margin}); that pull request is closed.${win.passed ? "" : " Its CI fails too: review with care."}`,
  });
  await recordRaceResult(deps.db, { jobKey: job.raceKey, winner: win.c.agent, margin }).catch((err: unknown) =>
    deps.log.warn({ err, job: job.key }, "race result not recorded"),
  );
  return {
    outcome: `race decided: ${win.c.agent} #${win.c.prNumber}`,
    links: { winner: `#${win.c.prNumber}`, closed: `#${lose.c.prNumber}` },
  };
}

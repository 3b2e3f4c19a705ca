import { JOB_KINDS, type JobKind } from "../jobs/types.js";
import type { JobContext, JobHandler, JobResult } from "../jobs/worker/job-context.js";
import type { PipelineDeps } from "./deps.js";
import { runCommand } from "./command/command.js";
import { runExplain } from "./ask/explain.js";
import { runFix } from "./fix/fix.js";
import { runReview } from "./ask/review.js";
import { runSecondOpinion } from "./ask/second-opinion.js";
import { runRaceJudge } from "./fix/race-judge.js";
import { runTriage } from "./triage/triage.js";
import { runDashboard } from "./maintenance/dashboard-job.js";
import { runMaintenanceTick } from "./maintenance/tick.js";
import { runPlanWrite } from "./plan/write-plan.js";
import { runPlan } from "./plan/plan-job.js";
import { withPlanEvents } from "./plan/item-events.js";
import { recordTiming, timedContext } from "./steps/phase-clock.js";

type Job<K extends JobKind> = ReturnType<(typeof JOB_KINDS)[K]["parse"]>;
type Runner<K extends JobKind> = (deps: PipelineDeps, job: Job<K>, ctx: JobContext) => Promise<JobResult>;

// One pipeline per job kind: adding a kind to JOB_KINDS without a pipeline fails the type check here.
const PIPELINES: { [K in JobKind]: Runner<K> } = {
  triage: runTriage,
  // A plan item's fix tells its plan's coordinator when it starts and ends.
  fix: withPlanEvents(runFix),
  explain: runExplain,
  review: runReview,
  "second-opinion": runSecondOpinion,
  command: runCommand,
  "maintenance-tick": runMaintenanceTick,
  dashboard: runDashboard,
  "race-judge": runRaceJudge,
  "plan-write": runPlanWrite,
  plan: runPlan,
};

/** The worker's handlers, one per job kind; data is re-validated because the queue outlives versions. */
export function pipelineHandlers(deps: PipelineDeps): Record<JobKind, JobHandler> {
  const handler =
    <K extends JobKind>(kind: K): JobHandler =>
    async (data, ctx) => {
      // Every job's phases are timed into its record's meta (and logged): where an attempt's seconds went.
      const timed = timedContext(ctx);
      try {
        return await PIPELINES[kind](deps, JOB_KINDS[kind].parse(data) as Job<K>, timed.ctx);
      } finally {
        await recordTiming(deps.db, deps.log, ctx, timed.finish());
      }
    };
  return Object.fromEntries((Object.keys(JOB_KINDS) as JobKind[]).map((kind) => [kind, handler(kind)])) as Record<JobKind, JobHandler>;
}

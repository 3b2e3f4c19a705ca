import { JOB_KINDS, type JobKind } from "../jobs/types.js";
import type { JobContext, JobHandler, JobResult } from "../jobs/worker/job-context.js";
import { PermanentJobError } from "../jobs/worker/permanent.js";
import { goneInstallation } from "../github/installation-gone.js";
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
import { sweepFeedbackAfterJob } from "./steps/feedback-sweep.js";
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

/** An uninstalled App fails every retry the same way: the job ends at once, and says why (installation-gone.ts). */
function permanentOrAsIs(err: unknown): unknown {
  const installation = goneInstallation(err);
  if (installation === null) return err;
  return new PermanentJobError(
    `the App is not installed for this repository any more: GitHub answered 404 to the token request of installation ${installation}`,
    "failed: app not installed",
    { cause: err },
  );
}

/**
 * The worker's handlers, one per job kind; data is re-validated because the queue outlives versions. Each job's
 * pipeline logs through a child logger bound to its key and kind, so every line it writes names the job. When
 * the job ends, a few of its repository's triage comments have their reactions read again (feedback-sweep.ts).
 */
export function pipelineHandlers(deps: PipelineDeps): Record<JobKind, JobHandler> {
  const handler =
    <K extends JobKind>(kind: K): JobHandler =>
    async (data, ctx) => {
      const jobDeps = { ...deps, log: deps.log.child({ job: ctx.key, kind }) };
      // Every job's phases are timed into its record's meta (and logged): where an attempt's seconds went.
      const timed = timedContext(ctx);
      let uninstalled = false;
      try {
        return await PIPELINES[kind](jobDeps, JOB_KINDS[kind].parse(data) as Job<K>, timed.ctx);
      } catch (err) {
        const final = permanentOrAsIs(err);
        uninstalled = final instanceof PermanentJobError;
        throw final;
      } finally {
        await recordTiming(deps.db, jobDeps.log, ctx, timed.finish());
        // Not for an App no longer installed: its reads would only add 404s to the storm the job just ended.
        if (!ctx.signal.aborted && !uninstalled) await sweepFeedbackAfterJob(jobDeps, data);
      }
    };
  return Object.fromEntries((Object.keys(JOB_KINDS) as JobKind[]).map((kind) => [kind, handler(kind)])) as Record<JobKind, JobHandler>;
}

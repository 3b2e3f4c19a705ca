// A plan item is a fix job like any other; this wraps its runner so that the plan's coordinator hears when it
// starts and how it ended (including a last attempt that threw, and, through reportPlanItemGiveUp, a worker that
// died every time). Each report is a coordinator job keyed on (run, item, phase): a retried attempt reports its
// start once, and the end is reported once.
import { planItemEventKey, planTargetKey } from "../../jobs/keys.js";
import { getPlan } from "../../jobs/plans.js";
import { submitJob } from "../../jobs/submit.js";
import { FixJobSchema, type FixJob, type PlanEvent } from "../../jobs/types.js";
import type { JobContext, JobResult } from "../../jobs/worker/job-context.js";
import { errorText } from "../../jobs/worker/start-worker.js";
import type { PipelineDeps } from "../deps.js";
import { finalWords } from "../steps/final-words.js";

type Runner = (deps: PipelineDeps, job: FixJob, ctx: JobContext) => Promise<JobResult>;
type ItemResult = Extract<PlanEvent, { type: "item" }>["result"];

async function report(deps: PipelineDeps, job: FixJob, phase: "started" | "ended", result?: ItemResult): Promise<void> {
  if (job.origin.type !== "plan") return;
  const { issueNumber, item, run } = job.origin;
  const repo = job.repo.fullName;
  await submitJob(
    deps.db,
    deps.queue,
    {
      kind: "plan",
      key: planItemEventKey(repo, issueNumber, run, item, phase),
      installationId: job.installationId,
      deliveryId: job.deliveryId,
      repo: job.repo,
      issueNumber,
      event: { type: "item", n: item, run, phase, ...(result ? { result } : {}) },
    },
    { meta: { issue: issueNumber, plan_item: item }, serialKey: planTargetKey(repo, issueNumber) },
  ).catch((err: unknown) => deps.log.warn({ err, job: job.key, phase }, "plan coordinator not told of an item"));
}

/** The fix runner, reporting plan items' starts and ends to their coordinator; other fixes run as they were. */
export function withPlanEvents(run: Runner): Runner {
  return async (deps, job, ctx) => {
    if (job.origin.type !== "plan") return run(deps, job, ctx);
    const plan = await getPlan(deps.db, job.repo.fullName, job.origin.issueNumber);
    if (!plan || plan.run !== job.origin.run || plan.state !== "running") {
      const result = { outcome: "cancelled", error: "the plan was stopped before this item started", links: {}, tokens: null };
      await report(deps, job, "ended", result);
      return { outcome: "skipped: the plan is not running" };
    }
    await report(deps, job, "started");
    let result: JobResult;
    try {
      result = await run(deps, job, ctx);
    } catch (err) {
      // Before the last attempt the queue retries it: nothing ended yet.
      if (ctx.cancelled() || ctx.isLastAttempt)
        await report(deps, job, "ended", {
          outcome: ctx.cancelled() ? "cancelled" : "error",
          error: errorText(err),
          links: {},
          tokens: null,
        });
      throw err;
    }
    const said = finalWords.get(job);
    await report(deps, job, "ended", {
      outcome: ctx.cancelled() ? "cancelled" : result.outcome,
      error: null,
      links: result.links ?? {},
      tokens: result.tokens ?? null,
      // Its first paragraph: the spend footer and any log excerpt after it stay out of the checklist.
      ...(said ? { said: said.split("\n\n")[0].slice(0, 2000) } : {}),
    });
    return result;
  };
}

/** A plan item given up after its last attempt (a worker that died every time): its coordinator hears of it. */
export async function reportPlanItemGiveUp(deps: PipelineDeps, data: unknown, error: string): Promise<void> {
  const parsed = FixJobSchema.safeParse(data);
  if (!parsed.success || parsed.data.origin.type !== "plan") return;
  await report(deps, parsed.data, "ended", { outcome: "error", error, links: {}, tokens: null });
}

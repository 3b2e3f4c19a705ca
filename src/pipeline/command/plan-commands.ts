import { cancelJob } from "../../jobs/cancel.js";
import { planStopKey, planTargetKey } from "../../jobs/keys.js";
import { getPlan, listPlanItems, setPlanState } from "../../jobs/plans.js";
import { submitJob } from "../../jobs/submit.js";
import type { CommandJob } from "../../jobs/types.js";
import type { PipelineDeps } from "../deps.js";

/** `/codex status` on a plan issue: the plan's state and how many items are where (the checklist has the rest). */
export async function planStatus(deps: PipelineDeps, job: CommandJob): Promise<string | null> {
  const plan = await getPlan(deps.db, job.repo.fullName, job.issueNumber);
  if (!plan) return null;
  const counts = new Map<string, number>();
  for (const item of await listPlanItems(deps.db, job.repo.fullName, job.issueNumber))
    counts.set(item.status, (counts.get(item.status) ?? 0) + 1);
  const parts = [...counts].map(([status, n]) => `${n} ${status === "pr" ? "with a PR" : status}`);
  return `Plan: ${plan.state} (start ${plan.run}); items: ${parts.join(", ") || "none"}. The checklist comment shows each one.`;
}

/**
 * `/codex stop` on a running plan issue: the plan stops (queued items never start, its coordinator queues nothing
 * more), every item job still queued or running is cancelled, and a coordinator turn renders the stopped checklist.
 * Answers how many item jobs were cancelled, or null when no plan runs here.
 */
export async function stopPlan(deps: PipelineDeps, job: CommandJob): Promise<number | null> {
  const repo = job.repo.fullName;
  const plan = await getPlan(deps.db, repo, job.issueNumber);
  if (plan?.state !== "running") return null;
  // The state first: a coordinator turn running now reads it before queueing, and the stop's own turn sweeps after.
  await setPlanState(deps.db, repo, job.issueNumber, { state: "stopped" });
  let cancelled = 0;
  for (const item of await listPlanItems(deps.db, repo, job.issueNumber)) {
    if (!item.jobKey || !["queued", "running"].includes(item.status)) continue;
    const result = await cancelJob(deps.db, item.jobKey, `the plan was stopped by @${job.sender.login}`);
    if (result !== "not-running") cancelled++;
  }
  await submitJob(
    deps.db,
    deps.queue,
    {
      kind: "plan",
      key: planStopKey(repo, job.issueNumber, job.commentId),
      installationId: job.installationId,
      deliveryId: job.deliveryId,
      repo: job.repo,
      issueNumber: job.issueNumber,
      event: { type: "stop", requestedBy: job.sender.login },
    },
    { meta: { issue: job.issueNumber }, serialKey: planTargetKey(repo, job.issueNumber) },
  );
  return cancelled;
}

// One turn of a plan's coordinator: bring the items up to date with their fix jobs, queue what may start, keep the
// checklist comment current, and post the summary once. Coordinator jobs of one plan take turns (planTargetKey),
// so this is the plan's only writer; every step is idempotent (the item jobs' keys are fixed by run and number).
import type { RepoConfig } from "../../config/repo-config.js";
import type { GitHubClient } from "../../github/client.js";
import { cancelJob } from "../../jobs/cancel.js";
import { planItemFixKey, planItemTargetKey } from "../../jobs/keys.js";
import { listPlanItems, saveItem, setPlanState, type PlanItemRow, type PlanRow } from "../../jobs/plans.js";
import { getJobRecord } from "../../jobs/records.js";
import { submitJob } from "../../jobs/submit.js";
import type { FixJob, PlanJob } from "../../jobs/types.js";
import { postSticky } from "../steps/sticky.js";
import type { PipelineDeps } from "../deps.js";
import { applyEnd, isFinished, schedule, type ItemEnd } from "./reconcile.js";
import { PLAN_CHECKLIST_MARKER, planSummaryMarker, renderChecklist, renderSummary } from "./render.js";

/**
 * How long an item job's own report of its end (item-events.ts) is waited for before its record is taken instead: the
 * report says why it failed, and the summary must not go out before it. The record is the fallback for a lost report.
 */
const REPORT_GRACE_MS = 60_000;

/** An item's job end as its record tells it; null while the job is still queued, running or waiting for a retry. */
async function endFromRecord(deps: PipelineDeps, key: string): Promise<{ running: boolean; end: ItemEnd | null }> {
  const record = await getJobRecord(deps.db, key);
  if (!record) return { running: false, end: null };
  const ended = record.status === "succeeded" || (record.status === "failed" && record.finishedAt !== null);
  const reportLost = ended && Date.now() - Date.parse(record.finishedAt ?? "") > REPORT_GRACE_MS;
  // A job cancelled before it started never ran its wrapper: its record is all there is.
  if (record.status !== "cancelled" && !reportLost) return { running: record.status === "running" || ended, end: null };
  return {
    running: false,
    end: {
      status: record.status as ItemEnd["status"],
      outcome: record.outcome,
      error: record.error,
      links: record.links,
      tokens: record.tokens,
      costUsd: record.costUsd ?? null,
      cancelReason: record.cancelReason ?? null,
    },
  };
}

/** The end an item job reported itself (item-events.ts): its record may not say so yet. */
export function endFromEvent(result: NonNullable<Extract<PlanJob["event"], { type: "item" }>["result"]>): ItemEnd {
  const status = result.outcome === "cancelled" ? "cancelled" : result.outcome === "error" ? "failed" : "succeeded";
  return {
    status,
    outcome: result.outcome === "error" ? null : result.outcome,
    error: result.error,
    links: result.links,
    tokens: result.tokens ? { input: result.tokens.input, output: result.tokens.output } : null,
    costUsd: result.tokens?.costUsd ?? null,
    said: result.said ?? null,
  };
}

function itemJob(job: PlanJob, plan: PlanRow, item: PlanItemRow, stackOn: number | null): FixJob {
  return {
    kind: "fix",
    key: planItemFixKey(job.repo.fullName, job.issueNumber, plan.run, item.n),
    installationId: plan.installationId,
    deliveryId: job.deliveryId,
    repo: job.repo,
    requestedBy: plan.requestedBy,
    origin: { type: "plan", issueNumber: job.issueNumber, item: item.n, run: plan.run, text: item.text, after: item.after, stackOn },
  };
}

export interface CoordinateInput {
  deps: PipelineDeps;
  gh: GitHubClient;
  job: PlanJob;
  config: RepoConfig;
  plan: PlanRow;
  /** An item job's own report of its end, applied when its record is behind. */
  reported?: { n: number; end: ItemEnd };
}

/** Reconciles the plan and renders it; answers the job's outcome. */
export async function coordinate({ deps, gh, job, config, plan, reported }: CoordinateInput): Promise<string> {
  const repo = job.repo.fullName;
  const before = await listPlanItems(deps.db, repo, job.issueNumber);
  let items = await Promise.all(
    before.map(async (item) => {
      // Copies: `before` is what the rows were, so that only changed rows are written back.
      // The item's own report wins, also over an earlier turn that read its end from the record: it says why.
      if (reported?.n === item.n && item.jobKey && (!isFinished(item.status) || item.status === "failed"))
        return applyEnd(item, reported.end);
      if (!item.jobKey || isFinished(item.status)) return { ...item };
      const { running, end } = await endFromRecord(deps, item.jobKey);
      if (end) return applyEnd(item, end);
      return running && item.status === "queued" ? { ...item, status: "running" as const } : { ...item };
    }),
  );

  let started = 0;
  if (plan.state === "running") {
    const next = schedule(items, config.plan.max_parallel);
    items = next.items;
    for (const { n, stackOn } of next.start) {
      const item = items.find((i) => i.n === n)!;
      const fix = itemJob(job, plan, item, stackOn);
      await submitJob(deps.db, deps.queue, fix, {
        meta: { issue: job.issueNumber, plan_item: n },
        serialKey: planItemTargetKey(repo, job.issueNumber, n),
      });
      item.jobKey = fix.key;
      started++;
    }
  } else if (plan.state === "stopped") {
    // A coordinator turn that queued an item just before the stop: the stop's own turn cancels it here.
    for (const item of items) {
      if (item.status === "pending") Object.assign(item, { status: "stopped", reason: "the plan was stopped" });
      else if ((item.status === "queued" || item.status === "running") && item.jobKey)
        await cancelJob(deps.db, item.jobKey, "the plan was stopped");
    }
  }
  for (const item of items) {
    const old = before.find((b) => b.n === item.n);
    if (JSON.stringify(old) !== JSON.stringify(item)) await saveItem(deps.db, repo, job.issueNumber, item);
  }

  const finished = items.every((i) => isFinished(i.status));
  const state = plan.state === "running" && finished ? "done" : plan.state;
  const checklist = renderChecklist({ issueNumber: job.issueNumber, state, items, maxParallel: config.plan.max_parallel });
  await postSticky(deps, gh, {
    repo: job.repo,
    issueNumber: job.issueNumber,
    marker: PLAN_CHECKLIST_MARKER,
    body: checklist,
    jobKey: job.key,
  });
  if (state === "done" && plan.state === "running") await setPlanState(deps.db, repo, job.issueNumber, { state: "done" });
  // Once per run, for the reviewer: only a plan that ran to its end (a stopped plan claims nothing).
  if (state === "done" && !plan.summaryPosted) {
    const mention = config.plan.mention ?? config.fix.mention ?? null;
    const body = renderSummary(job.issueNumber, plan.run, items, mention);
    await postSticky(deps, gh, {
      repo: job.repo,
      issueNumber: job.issueNumber,
      marker: planSummaryMarker(plan.run),
      body,
      jobKey: job.key,
    });
    await setPlanState(deps.db, repo, job.issueNumber, { summaryPosted: true });
    return "plan done: summary posted";
  }
  return `plan ${state}: ${started} started`;
}

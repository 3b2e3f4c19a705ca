// A plan issue's coordinator job: what started it (the label, `/codex plan` or `/codex go`, the approval box, an
// edit of the list, an item job's start or end, a stop) decides what it checks first; then coordinate.ts does the
// rest. Who may start or change a plan is checked here, when the job runs, against commands.permission.
import type { RepoConfig } from "../../config/repo-config.js";
import type { GitHubClient } from "../../github/client.js";
import { getIssue } from "../../github/issues.js";
import { getPlan, listPlanItems, saveItem, startPlan } from "../../jobs/plans.js";
import type { PlanJob } from "../../jobs/types.js";
import type { JobContext, JobResult } from "../../jobs/worker/job-context.js";
import { sanitizeLine } from "../../text-safety/inline.js";
import { authorizeRequester } from "../steps/authorize.js";
import { loadRepoConfig } from "../steps/load-config.js";
import { postSticky } from "../steps/sticky.js";
import type { PipelineDeps } from "../deps.js";
import { coordinate, endFromEvent } from "./coordinate.js";
import { parsePlan, type ParsedPlan } from "./parse-plan.js";
import { mergeItems } from "./reconcile.js";
import { PLAN_CHECKLIST_MARKER } from "./render.js";

type Gh = GitHubClient;

export async function runPlan(deps: PipelineDeps, job: PlanJob, ctx: JobContext): Promise<JobResult> {
  // Every edit of any issue with a task list comes here: most are no plan's business, and end before any API call.
  const event = job.event;
  if (event.type === "edit") {
    const plan = await getPlan(deps.db, job.repo.fullName, job.issueNumber);
    const now = parsePlan(event.body);
    const ticked = now.section && now.go?.checked === true && parsePlan(event.previousBody).go?.checked !== true;
    if (!ticked && plan?.state !== "running") return { outcome: "skipped: no plan runs here" };
  }
  const gh = await deps.github(job.installationId);
  await ctx.setPhase("config");
  const parsed = await loadRepoConfig(gh, job.repo);
  if (!parsed.ok) return { outcome: "invalid-config" };
  const config = parsed.config;
  const repo = job.repo.fullName;
  const permission = config.commands.permission;
  await ctx.setPhase("plan");

  if (event.type === "start") {
    if (event.source === "label" && event.label !== config.plan.label) return { outcome: "skipped: not the plan label" };
    if (!(await authorizeRequester(gh, job.repo, event.requestedBy, permission, job.issueNumber)))
      return { outcome: `refused: ${event.requestedBy}` };
    return start(deps, gh, job, config, event.requestedBy, event.source);
  }

  if (event.type === "edit") {
    const plan = await getPlan(deps.db, repo, job.issueNumber);
    const now = parsePlan(event.body);
    const ticked = now.section && now.go?.checked === true && parsePlan(event.previousBody).go?.checked !== true;
    if (!ticked && plan?.state !== "running") return { outcome: "skipped: no plan runs here" };
    // An edit is not a request anyone can be answered on: a refused one stays silent (the log says who).
    if (!(await authorizeRequester(gh, job.repo, event.sender, permission, null))) return { outcome: `refused: ${event.sender}` };
    if (ticked) return start(deps, gh, job, config, event.sender, "box");
    const issue = await getIssue(gh, { owner: job.repo.owner, repo: job.repo.name, number: job.issueNumber });
    const list = parsePlan(issue.body);
    if (list.items.length > config.plan.max_items) return { outcome: "edit ignored: more items than plan.max_items" };
    const merged = mergeItems(await listPlanItems(deps.db, repo, job.issueNumber), list.items, false);
    for (const item of merged) await saveItem(deps.db, repo, job.issueNumber, item);
    return { outcome: await coordinate({ deps, gh, job, config, plan: plan! }) };
  }

  const plan = await getPlan(deps.db, repo, job.issueNumber);
  if (!plan) return { outcome: "skipped: no plan here" };
  if (event.type === "item") {
    if (event.run !== plan.run) return { outcome: "skipped: an item of an earlier run" };
    const reported = event.result ? { n: event.n, end: endFromEvent(event.result) } : undefined;
    return { outcome: await coordinate({ deps, gh, job, config, plan, reported }) };
  }
  // stop: `/codex stop` set the state and cancelled the jobs; this turn says so in the checklist.
  return { outcome: await coordinate({ deps, gh, job, config, plan }) };
}

/** Why a list cannot run as written; null when it can. */
function refusal(list: ParsedPlan, config: RepoConfig): string | null {
  if (list.problems.length) return `Codex cannot run this plan:\n\n${list.problems.map((p) => `- ${sanitizeLine(p, 200)}`).join("\n")}`;
  if (list.items.length > config.plan.max_items)
    return `Codex did not start this plan: it has ${list.items.length} items, more than \`plan.max_items\` (${config.plan.max_items}) allows. Split it into smaller plans. Nothing was started.`;
  if (!list.items.some((i) => !i.checked)) return "Codex found no unticked task-list items (`- [ ] …`) to run in this issue.";
  return null;
}

async function start(
  deps: PipelineDeps,
  gh: Gh,
  job: PlanJob,
  config: RepoConfig,
  requestedBy: string,
  how: "label" | "command" | "box",
): Promise<JobResult> {
  const repo = job.repo.fullName;
  const issue = await getIssue(gh, { owner: job.repo.owner, repo: job.repo.name, number: job.issueNumber });
  if (issue.state !== "open" || issue.isPullRequest) return { outcome: "skipped: not an open issue" };
  const list = parsePlan(issue.body);
  // A planner-written plan waits for a person's go: the label (maybe added with the plan) does not start it.
  if (how === "label" && list.section) return { outcome: "skipped: a planner's plan starts with /codex go or its box" };
  const refused = refusal(list, config);
  if (refused) {
    await postSticky(deps, gh, {
      repo: job.repo,
      issueNumber: job.issueNumber,
      marker: PLAN_CHECKLIST_MARKER,
      body: `${PLAN_CHECKLIST_MARKER}\n${refused}`,
      jobKey: job.key,
    });
    return {
      outcome: `refused: ${list.problems.length ? "list problems" : list.items.length > config.plan.max_items ? "too many items" : "no items"}`,
    };
  }
  const existing = await getPlan(deps.db, repo, job.issueNumber);
  const restart = existing !== null && existing.state !== "running";
  const plan =
    existing?.state === "running"
      ? existing
      : await startPlan(deps.db, { repo, issueNumber: job.issueNumber, installationId: job.installationId, requestedBy });
  const merged = mergeItems(await listPlanItems(deps.db, repo, job.issueNumber), list.items, restart);
  for (const item of merged) await saveItem(deps.db, repo, job.issueNumber, item);
  return { outcome: `${existing?.state === "running" ? "already running; " : ""}${await coordinate({ deps, gh, job, config, plan })}` };
}

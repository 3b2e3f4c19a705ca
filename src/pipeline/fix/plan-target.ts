import type { GitHubClient } from "../../github/client.js";
import { botBranchName, getBranchHead } from "../../github/branches.js";
import { getIssue } from "../../github/issues.js";
import { findOpenBotPullRequest } from "../../github/fix-pull-request.js";
import type { FixJob } from "../../jobs/types.js";
import type { TargetResult } from "./target-types.js";

type PlanOrigin = Extract<FixJob["origin"], { type: "plan" }>;

/** The branch of one item of a plan issue: named by the item's number, which a plan never gives out twice. */
export function planItemBranch(issueNumber: number, item: number): string {
  return botBranchName("plan", `${issueNumber}-${item}`);
}

/**
 * One item of a plan issue: its own branch and draft PR, from the default branch's head, or stacked on the PR branch
 * of the item it waits for. It reports nowhere (reportOn null): the plan's checklist comment says how it went, and
 * the issue is closed by a person when the plan is done (no "Fixes #N").
 */
export async function resolvePlanItemTarget(gh: GitHubClient, job: FixJob, origin: PlanOrigin): Promise<TargetResult> {
  const { owner, name: repo, defaultBranch } = job.repo;
  const number = origin.issueNumber;
  const issue = await getIssue(gh, { owner, repo, number });
  if (issue.state !== "open") return { ok: false, reason: "the plan issue is closed", reportOn: null };
  const branch = planItemBranch(number, origin.item);
  const baseBranch = origin.stackOn === null ? defaultBranch : planItemBranch(number, origin.stackOn);
  const stacked = origin.stackOn === null ? "" : ` (stacked on item ${origin.stackOn}'s pull request: it targets \`${baseBranch}\`)`;
  const common = {
    branch,
    expectedHead: undefined,
    reportOn: null,
    task: `Do item ${origin.item} of the plan in issue #${number}, and only that item: the other items are done in their own pull requests.${origin.stackOn === null ? "" : ` This checkout already holds item ${origin.stackOn}'s change, which this item builds on.`}`,
    context: [
      { label: `Issue #${number}: title and description (the whole plan)`, text: `${issue.title}\n\n${issue.body}` },
      { label: `Plan item ${origin.item}: the task to do`, text: origin.text },
    ],
    closes: null,
    describe: `item ${origin.item} of plan #${number}${stacked}`,
  };
  // A plan started again continues an item's open PR rather than opening a second one.
  const living = await findOpenBotPullRequest(gh, { owner, repo, branch });
  if (living)
    return { ok: true, target: { ...common, baseSha: living.headSha, baseRef: branch, prBase: living.baseRef, existingPr: living.number } };
  const baseSha = await getBranchHead(gh, { owner, repo, branch: baseBranch });
  if (!baseSha) return { ok: false, reason: `the branch ${baseBranch} to start from was not found`, reportOn: null };
  return { ok: true, target: { ...common, baseSha, baseRef: baseBranch, prBase: baseBranch, existingPr: null } };
}

import path from "node:path";
import type { RepoConfig } from "../../config/repo-config.js";
import { countRecentJobs } from "../../jobs/records.js";
import type { TriageJob } from "../../jobs/types.js";
import type { PipelineDeps } from "../deps.js";
import { matchesAny } from "../steps/glob.js";

const BOT_BRANCH_PREFIX = "codex/";
const DAY_MS = 24 * 60 * 60 * 1000;

/** Why a job is not ours to run; null when it is. */
export async function skipReason(deps: PipelineDeps, job: TriageJob, config: RepoConfig): Promise<string | null> {
  const t = config.triage;
  if (!t.enabled) return "triage disabled in config";
  if (job.source.type === "workflow_run") {
    const { workflowName, workflowPath } = job.source;
    const file = workflowPath ? path.posix.basename(workflowPath) : undefined;
    if (!matchesAny(t.workflows, [workflowName, workflowPath, file])) return "workflow not in config";
  } else if (!matchesAny(t.check_runs, [job.source.name])) return "check run not in config";
  if (!matchesAny(t.branches, [job.headBranch])) return "branch not in config";
  if (job.headBranch?.startsWith(BOT_BRANCH_PREFIX)) {
    // The job's own record is already counted, hence `>`.
    const recent = await countRecentJobs(deps.db, {
      repo: job.repo.fullName,
      branch: job.headBranch,
      kind: "triage",
      sinceMs: Date.now() - DAY_MS,
    });
    if (recent > t.bot_branch_budget) return `bot branch budget spent (${t.bot_branch_budget} a day)`;
  }
  return null;
}

import type { TriageReport } from "../../agent/report.js";
import type { RepoConfig } from "../../config/repo-config.js";
import { autofixKey, branchTargetKey, targetKey } from "../../jobs/keys.js";
import { submitJob } from "../../jobs/submit.js";
import type { FixJob, TriageJob } from "../../jobs/types.js";
import type { PipelineDeps } from "../deps.js";

/**
 * After a triage: a draft fix when the report says the fix is clear, the repository opted in
 * (`triage.autofix: draft-pr`), and the head is not a fork's (fork heads get triage only). One fix per
 * triage key, so a retried triage never drafts twice.
 */
export async function maybeEnqueueAutofix(
  deps: PipelineDeps,
  job: TriageJob,
  report: TriageReport,
  config: RepoConfig,
  prNumbers: { number: number; sameRepo: boolean }[],
): Promise<boolean> {
  if (config.triage.autofix !== "draft-pr" || !report.fixable || job.fromFork) return false;
  if (!job.headBranch || prNumbers.some((p) => !p.sameRepo)) return false;
  const key = autofixKey(job.key);
  const fix: FixJob = {
    kind: "fix",
    key,
    installationId: job.installationId,
    deliveryId: job.deliveryId,
    repo: job.repo,
    requestedBy: null,
    origin: {
      type: "triage",
      triageKey: job.key,
      headSha: job.headSha,
      headBranch: job.headBranch,
      prNumber: prNumbers[0]?.number ?? null,
      ciName: job.source.type === "workflow_run" ? job.source.workflowName : job.source.name,
      summary: report.summary,
      rootCause: report.root_cause,
      suggestedFix: report.suggested_fix,
      evidence: report.evidence.map((e) => e.log_line),
      locations: report.locations,
    },
  };
  // One job at a time per subject: two failing workflows of one push draft onto one bot branch (codex/ci/<pr or
  // branch>-<sha>), so their fixes take turns on the PR, or on the branch when it has none.
  const prNumber = fix.origin.type === "triage" ? fix.origin.prNumber : null;
  const serialKey = prNumber !== null ? targetKey(job.repo.fullName, prNumber) : branchTargetKey(job.repo.fullName, job.headBranch);
  const { enqueued } = await submitJob(deps.db, deps.queue, fix, { meta: { branch: job.headBranch, sha: job.headSha }, serialKey });
  return enqueued;
}

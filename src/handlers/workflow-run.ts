import type { Context } from "probot";
import { z } from "zod";
import { submitJob } from "../jobs/submit.js";
import { raceJudgeKey, workflowRunTriageKey } from "../jobs/keys.js";
import { pendingRaceOf } from "../jobs/race-candidates.js";
import { recordRerunPass } from "../jobs/triage-findings.js";
import type { RaceJudgeJob, TriageJob } from "../jobs/types.js";
import { FAILED_CONCLUSIONS, isOwnSender, type HandlerDeps } from "./deps.js";
import { parsePayload, InstallationSchema, RepositorySchema, SenderSchema, toRepoRef } from "./payload.js";

const PayloadSchema = z.object({
  action: z.literal("completed"),
  installation: InstallationSchema,
  repository: RepositorySchema,
  sender: SenderSchema,
  workflow_run: z.object({
    id: z.number().int(),
    name: z.string().nullable(),
    run_attempt: z.number().int().min(1).default(1),
    workflow_id: z.number().int(),
    path: z.string().optional(),
    head_sha: z.string(),
    head_branch: z.string().nullable(),
    conclusion: z.string().nullable(),
    html_url: z.string(),
    pull_requests: z.array(z.object({ number: z.number().int() })).default([]),
    head_repository: z.object({ full_name: z.string() }).nullable().optional(),
  }),
});

/** workflow_run.completed from GitHub Actions: one triage job per (repository, sha, run, attempt). */
export function onWorkflowRunCompleted(deps: HandlerDeps) {
  return async (context: Context<"workflow_run.completed">): Promise<void> => {
    const data = parsePayload(context, PayloadSchema);
    if (!data) return;
    const { workflow_run: run, repository, installation, sender } = data;
    // A run on a race candidate's head (fix.race_judge: checks): the judge looks whether CI has decided.
    if (run.head_branch?.startsWith("codex/") && /^[0-9a-f]{40}$/.test(run.head_sha)) {
      const raceKey = await pendingRaceOf(deps.db, repository.full_name, run.head_sha);
      if (raceKey) {
        const judge: RaceJudgeJob = {
          kind: "race-judge",
          key: raceJudgeKey(raceKey, run.id, run.run_attempt),
          installationId: installation.id,
          deliveryId: context.id,
          repo: toRepoRef(repository),
          raceKey,
        };
        await submitJob(deps.db, deps.queue, judge, { serialKey: `race:${raceKey}` });
      }
    }
    if (run.conclusion === "success" && /^[0-9a-f]{40}$/.test(run.head_sha)) {
      // A pass on a commit that failed before (a re-run, or the workflow started again) marks that failure as
      // flaky for the chaser; kept only when the commit has a triage.
      const kept = await recordRerunPass(deps.db, {
        repo: repository.full_name,
        headSha: run.head_sha,
        ciName: (run.name || "workflow").slice(0, 300),
      });
      if (kept) context.log.info({ repo: repository.full_name, sha: run.head_sha }, "a workflow passed on a commit it failed on");
      return;
    }
    if (!run.conclusion || !FAILED_CONCLUSIONS.has(run.conclusion)) return;
    if (isOwnSender(deps, sender)) return;

    const key = workflowRunTriageKey(repository.full_name, run.head_sha, run.id, run.run_attempt);
    const job: TriageJob = {
      kind: "triage",
      key,
      installationId: installation.id,
      deliveryId: context.id,
      repo: toRepoRef(repository),
      headSha: run.head_sha,
      headBranch: run.head_branch || null,
      pullNumbers: run.pull_requests.map((pr) => pr.number),
      fromFork: !!run.head_repository && run.head_repository.full_name !== repository.full_name,
      source: {
        type: "workflow_run",
        runId: run.id,
        runAttempt: run.run_attempt,
        workflowId: run.workflow_id,
        workflowName: run.name ?? "workflow",
        workflowPath: run.path,
        htmlUrl: run.html_url,
        conclusion: run.conclusion,
      },
    };
    const result = await submitJob(deps.db, deps.queue, job, {
      delivery: {
        guid: context.id,
        event: "workflow_run",
        action: "completed",
        repo: repository.full_name,
      },
      meta: { branch: job.headBranch, sha: run.head_sha, delivery: context.id },
    });
    context.log.info({ key, enqueued: result.enqueued }, "workflow run failure");
  };
}

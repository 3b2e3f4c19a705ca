import type { Context } from "probot";
import { z } from "zod";
import { submitJob } from "../jobs/submit.js";
import { issueLabelFixKey, planStartKey, planTargetKey } from "../jobs/keys.js";
import { targetKey, type FixJob, type PlanJob } from "../jobs/types.js";
import { isOwnSender, type HandlerDeps } from "./deps.js";
import { parsePayload, InstallationSchema, RepositorySchema, SenderSchema, toRepoRef } from "./payload.js";

const PayloadSchema = z.object({
  action: z.literal("labeled"),
  installation: InstallationSchema,
  repository: RepositorySchema,
  sender: SenderSchema,
  label: z.object({ name: z.string() }),
  issue: z.object({
    number: z.number().int(),
    state: z.string(),
    updated_at: z.string().min(1),
    body: z.string().nullable().optional(),
    pull_request: z.unknown().optional(),
  }),
});

/** A task-list line (`- [ ] …`): only such an issue can be a plan (pipeline/plan/parse-plan.ts reads it properly). */
export const HAS_TASK_LIST = /^ {0,3}[-*+][ \t]+\[[ xX]\]/m;

/**
 * issues.labeled: a fix job for the issue. The handler has no config, so the job checks the label against
 * `commands.label` and the labeller's permission before doing anything; other labels end as a quiet skip.
 */
export function onIssueLabeled(deps: HandlerDeps) {
  return async (context: Context<"issues.labeled">): Promise<void> => {
    const data = parsePayload(context, PayloadSchema);
    if (!data) return;
    const { issue, label, repository, installation, sender } = data;
    if (issue.state !== "open" || issue.pull_request !== undefined) return;
    if (sender.type === "Bot" || isOwnSender(deps, sender)) return;
    const key = issueLabelFixKey(repository.full_name, issue.number, label.name, issue.updated_at);
    const job: FixJob = {
      kind: "fix",
      key,
      installationId: installation.id,
      deliveryId: context.id,
      repo: toRepoRef(repository),
      requestedBy: sender.login,
      origin: { type: "issue", issueNumber: issue.number, label: label.name },
    };
    await submitJob(deps.db, deps.queue, job, {
      delivery: { guid: context.id, event: "issues", action: "labeled", repo: repository.full_name },
      meta: { issue: issue.number, label: label.name },
      serialKey: targetKey(repository.full_name, issue.number),
    });
    // An issue with a task list may be a plan: its coordinator checks the label against plan.label.
    if (HAS_TASK_LIST.test(issue.body ?? "")) {
      const plan: PlanJob = {
        kind: "plan",
        key: planStartKey(repository.full_name, issue.number, `label:${label.name}@${issue.updated_at}`),
        installationId: installation.id,
        deliveryId: context.id,
        repo: toRepoRef(repository),
        issueNumber: issue.number,
        event: { type: "start", source: "label", requestedBy: sender.login, label: label.name },
      };
      await submitJob(deps.db, deps.queue, plan, {
        meta: { issue: issue.number, label: label.name },
        serialKey: planTargetKey(repository.full_name, issue.number),
      });
    }
  };
}

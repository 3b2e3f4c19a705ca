import type { Context } from "probot";
import { z } from "zod";
import { submitJob } from "../jobs/submit.js";
import { issueLabelFixKey } from "../jobs/keys.js";
import { recordDelivery } from "../jobs/ledger.js";
import { targetKey, type FixJob } from "../jobs/types.js";
import { isOwnSender, type HandlerDeps } from "./deps.js";
import { parsePayload, InstallationSchema, RepositorySchema, SenderSchema, toRepoRef } from "./payload.js";

const PayloadSchema = z.object({
  action: z.literal("labeled"),
  installation: InstallationSchema,
  repository: RepositorySchema,
  sender: SenderSchema,
  label: z.object({ name: z.string() }),
  issue: z.object({ number: z.number().int(), state: z.string(), updated_at: z.string().min(1), pull_request: z.unknown().optional() }),
});

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
    await recordDelivery(deps.db, { guid: context.id, event: "issues", action: "labeled", repo: repository.full_name });
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
      meta: { issue: issue.number, label: label.name },
      serialKey: targetKey(repository.full_name, issue.number),
    });
  };
}

import type { Context } from "probot";
import { z } from "zod";
import { cancelJob } from "../jobs/cancel.js";
import { findActiveJobs } from "../jobs/find-active-jobs.js";
import { targetKey } from "../jobs/types.js";
import type { HandlerDeps } from "./deps.js";
import { RepositorySchema } from "./payload.js";

const PayloadSchema = z.object({
  action: z.literal("unlabeled"),
  repository: RepositorySchema,
  label: z.object({ name: z.string() }),
  issue: z.object({ number: z.number().int() }),
});

/**
 * Removing the label while its fix runs cancels that fix (only the jobs that label started). Database work
 * only: the worker running the job notices the request within a second, stops the agent and says so.
 */
export function onIssueUnlabeled(deps: HandlerDeps) {
  return async (context: Context<"issues.unlabeled">): Promise<void> => {
    const parsed = PayloadSchema.safeParse(context.payload);
    if (!parsed.success) return;
    const { repository, label, issue } = parsed.data;
    const active = await findActiveJobs(deps.db, { repo: repository.full_name, target: targetKey(repository.full_name, issue.number) });
    for (const job of active) {
      const origin = (job.data as { origin?: { type?: string; label?: string } }).origin;
      if (job.kind === "fix" && origin?.type === "issue" && origin.label === label.name) {
        await cancelJob(deps.db, job.key, `the \`${label.name}\` label was removed`);
      }
    }
  };
}

import type { Context } from "probot";
import { z } from "zod";
import { DASHBOARD_MARKER, dashboardEditKey, dashboardTargetKey, PLAN_GO_MARKER, planEditKey, planTargetKey } from "../jobs/keys.js";
import { getPlan } from "../jobs/plans.js";
import { submitJob } from "../jobs/submit.js";
import type { DashboardJob, PlanJob } from "../jobs/types.js";
import { HAS_TASK_LIST } from "./issues-labeled.js";
import { isOwnSender, type HandlerDeps } from "./deps.js";
import { parsePayload, InstallationSchema, RepositorySchema, SenderSchema, toRepoRef } from "./payload.js";

const PayloadSchema = z.object({
  action: z.literal("edited"),
  installation: InstallationSchema,
  repository: RepositorySchema,
  sender: SenderSchema,
  issue: z.object({
    number: z.number().int(),
    updated_at: z.string().min(1),
    body: z.string().nullable(),
    pull_request: z.unknown().optional(),
  }),
  changes: z.object({ body: z.object({ from: z.string().nullable() }).optional() }).optional(),
});

/**
 * issues.edited on the dashboard issue: a person may have ticked "run now" boxes. Only a body edit of an issue
 * whose body carries the dashboard marker, by a person (the bot's own re-render edits it too), goes on the
 * queue; the job checks the config, the boxes and the editor's permission. Keyed on the edit, so a redelivery
 * is the same job.
 */
export function onIssueEdited(deps: HandlerDeps) {
  return async (context: Context<"issues.edited">): Promise<void> => {
    const data = parsePayload(context, PayloadSchema);
    if (!data) return;
    const { issue, repository, installation, sender, changes } = data;
    const previousBody = changes?.body?.from;
    if (previousBody === undefined || issue.pull_request !== undefined) return;
    if (sender.type === "Bot" || isOwnSender(deps, sender)) return;
    if (!issue.body?.includes(DASHBOARD_MARKER)) {
      // A plan's list edited or its approval box ticked: the coordinator checks whether a plan runs or starts here,
      // and the editor's permission. Keyed on the edit, so a redelivery is the same job.
      if (!HAS_TASK_LIST.test(issue.body ?? "") && !HAS_TASK_LIST.test(previousBody ?? "")) return;
      // Most checklist edits have nothing to do with the bot: only an issue with a plan, or the tick of a planner's
      // approval box, is worth a job (each job reads the config from GitHub).
      const goTicked = goBoxTicked(issue.body) && !goBoxTicked(previousBody);
      if (!goTicked && !(await getPlan(deps.db, repository.full_name, issue.number))) return;
      const plan: PlanJob = {
        kind: "plan",
        key: planEditKey(repository.full_name, issue.number, issue.updated_at, issue.body ?? ""),
        installationId: installation.id,
        deliveryId: context.id,
        repo: toRepoRef(repository),
        issueNumber: issue.number,
        event: { type: "edit", sender: sender.login, previousBody: previousBody ?? "", body: issue.body ?? "" },
      };
      await submitJob(deps.db, deps.queue, plan, {
        delivery: { guid: context.id, event: "issues", action: "edited", repo: repository.full_name },
        meta: { issue: issue.number },
        serialKey: planTargetKey(repository.full_name, issue.number),
      });
      return;
    }
    const job: DashboardJob = {
      kind: "dashboard",
      key: dashboardEditKey(repository.full_name, issue.number, issue.updated_at, issue.body),
      installationId: installation.id,
      deliveryId: context.id,
      repo: toRepoRef(repository),
      edit: { sender: sender.login, issueNumber: issue.number, previousBody: previousBody ?? "", body: issue.body },
    };
    await submitJob(deps.db, deps.queue, job, {
      delivery: { guid: context.id, event: "issues", action: "edited", repo: repository.full_name },
      meta: { issue: issue.number },
      serialKey: dashboardTargetKey(repository.full_name),
    });
  };
}

/** Whether the planner's approval box is ticked in a body (the tick is checked again, with the editor, by the job). */
function goBoxTicked(body: string | null | undefined): boolean {
  return (body ?? "").split("\n").some((line) => /^ {0,3}[-*+][ \t]+\[[xX]\]/.test(line) && line.includes(PLAN_GO_MARKER));
}

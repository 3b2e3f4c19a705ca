import { postSticky } from "./steps/sticky.js";
import { triageCommentMarker } from "../jobs/keys.js";
import { TriageJobSchema } from "../jobs/types.js";
import type { PipelineDeps } from "./deps.js";
import { sanitizeMarkdown } from "../text-safety/markdown.js";
import { pullRequestsToComment } from "./steps/pull-requests.js";
import { reportPlanItemGiveUp } from "./plan/item-events.js";

/**
 * After the last attempt failed (an error, or a worker that died every time), the PR gets a short comment
 * in the place the triage would have gone, instead of silence.
 */
export async function reportGiveUp(deps: PipelineDeps, kind: string, data: unknown, error: string): Promise<void> {
  // A plan item that never finished: the plan's checklist says it failed, and the plan goes on.
  if (kind === "fix") return reportPlanItemGiveUp(deps, data, error);
  if (kind !== "triage") return;
  const parsed = TriageJobSchema.safeParse(data);
  if (!parsed.success) return;
  const job = parsed.data;
  const gh = await deps.github(job.installationId);
  const prs = await pullRequestsToComment(gh, job);
  const body = [
    "### Codex triage did not finish",
    "",
    `codex-dispatch tried to explain this failure several times and gave up: ${sanitizeMarkdown(error.slice(0, 500), { webBaseUrl: deps.webBaseUrl })}`,
    "",
    "Nothing was changed. Re-run the failed job to try again.",
    "",
  ].join("\n");
  for (const pr of prs) {
    await postSticky(deps, gh, { repo: job.repo, issueNumber: pr.number, marker: triageCommentMarker(job.source), body, jobKey: job.key });
  }
}

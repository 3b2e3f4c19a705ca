import type { Context } from "probot";
import { z } from "zod";
import { reviewFixKey } from "../jobs/keys.js";
import { submitJob } from "../jobs/submit.js";
import { countRecentJobs } from "../jobs/records.js";
import { targetKey, type FixJob } from "../jobs/types.js";
import { isOwnSender, type HandlerDeps } from "./deps.js";
import { parsePayload, InstallationSchema, RepositorySchema, SenderSchema, toRepoRef } from "./payload.js";

const PayloadSchema = z.object({
  action: z.literal("submitted"),
  installation: InstallationSchema,
  repository: RepositorySchema,
  sender: SenderSchema,
  review: z.object({ id: z.number().int(), state: z.string(), body: z.string().nullable() }),
  pull_request: z.object({
    number: z.number().int(),
    state: z.string(),
    head: z.object({ ref: z.string(), repo: z.object({ full_name: z.string() }).nullable() }),
  }),
});

// A review that asks for changes, or comments, on one of the bot's own PRs starts a follow-up round on the
// same branch. The round number comes from the job records; the job itself enforces the configured limit
// and the reviewer's permission.
export function onPullRequestReviewSubmitted(deps: HandlerDeps) {
  return async (context: Context<"pull_request_review.submitted">): Promise<void> => {
    const data = parsePayload(context, PayloadSchema);
    if (!data) return;
    const { review, pull_request: pr, repository, installation, sender } = data;
    const state = review.state.toLowerCase();
    if (state !== "changes_requested" && state !== "commented") return;
    if (pr.state !== "open" || !pr.head.ref.startsWith("codex/") || pr.head.repo?.full_name !== repository.full_name) return;
    // Never our own reviews; another bot's only as far as the job finds it in `fix.review_bots` (the handler has
    // no config): a reviewing agent's "changes requested" starts a round like a person's.
    if (isOwnSender(deps, sender) || (sender.type === "Bot" && !sender.login.endsWith("[bot]"))) return;
    // A `/codex …` review comment is a command, handled as one; plain reviews are feedback.
    if ((review.body ?? "").trimStart().startsWith("/")) return;

    const previous = await countRecentJobs(deps.db, { repo: repository.full_name, branch: pr.head.ref, kind: "fix", sinceMs: 0 });
    const key = reviewFixKey(repository.full_name, pr.number, review.id);
    const job: FixJob = {
      kind: "fix",
      key,
      installationId: installation.id,
      deliveryId: context.id,
      repo: toRepoRef(repository),
      requestedBy: sender.login,
      origin: {
        type: "review",
        prNumber: pr.number,
        branch: pr.head.ref,
        round: previous + 1,
        reviewId: review.id,
        feedback: review.body ?? "",
      },
    };
    await submitJob(deps.db, deps.queue, job, {
      delivery: { guid: context.id, event: "pull_request_review", action: "submitted", repo: repository.full_name },
      meta: { branch: pr.head.ref, pr: pr.number },
      serialKey: targetKey(repository.full_name, pr.number),
    });
  };
}

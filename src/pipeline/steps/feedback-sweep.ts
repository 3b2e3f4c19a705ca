import { z } from "zod";
import { getCommentThumbs } from "../../github/comment-reactions.js";
import { saveFeedback, staleFeedbackComments, touchFeedback } from "../../jobs/outcomes-feedback.js";
import { RepoRefSchema } from "../../jobs/types.js";
import type { PipelineDeps } from "../deps.js";

/** At most this many comments are read again after one job: a few requests, only when some are due. */
export const FEEDBACK_PER_JOB = 3;
/** A comment's counts are read again at most this often. */
export const FEEDBACK_STALE_MS = 60 * 60_000;
/** Comments of jobs older than this are no longer read: feedback comes in the first days. */
export const FEEDBACK_MAX_AGE_DAYS = 14;

const JobRepo = z.object({ installationId: z.number().int(), repo: RepoRefSchema });

/**
 * After a job on a repository ends: re-reads 👍/👎 on up to FEEDBACK_PER_JOB of that repository's triage
 * comments whose counts are over an hour old (GitHub sends no webhook for reactions). The job just ran with
 * that installation's client, so this costs no extra token, and an idle repository costs nothing. Never throws.
 */
export async function sweepFeedbackAfterJob(deps: Pick<PipelineDeps, "db" | "github" | "log">, jobData: unknown): Promise<number> {
  const job = JobRepo.safeParse(jobData);
  if (!job.success) return 0;
  const { repo, installationId } = job.data;
  try {
    const due = await staleFeedbackComments(deps.db, repo.fullName, {
      limit: FEEDBACK_PER_JOB,
      staleMs: FEEDBACK_STALE_MS,
      maxAgeDays: FEEDBACK_MAX_AGE_DAYS,
    });
    if (due.length === 0) return 0;
    const gh = await deps.github(installationId);
    for (const commentId of due) {
      try {
        const thumbs = await getCommentThumbs(gh, { owner: repo.owner, repo: repo.name, commentId });
        await saveFeedback(deps.db, { repo: repo.fullName, commentId, thumbs });
      } catch (err) {
        await touchFeedback(deps.db, repo.fullName, commentId);
        deps.log.warn({ err, commentId }, "comment reactions not read");
      }
    }
    return due.length;
  } catch (err) {
    deps.log.warn({ err }, "feedback sweep failed");
    return 0;
  }
}

import type { GitHubClient } from "../../github/client.js";
import { upsertStickyComment } from "../../github/sticky-comment.js";
import { getJobRecord } from "../../jobs/records.js";
import { findStickyCommentId, saveStickyCommentId } from "../../jobs/sticky-comments.js";
import type { RepoRef } from "../../jobs/types.js";
import type { PipelineDeps } from "../deps.js";

// Clocks differ between GitHub and us; a comment posted by this job cannot be older than its record by more.
const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Posts or edits a sticky comment, with its id kept in the database: known → one PATCH; unknown → a search of
 * the comments updated since this job was created (a crash between posting and saving the id is found again
 * by the retry), only among the App's own comments.
 */
export async function postSticky(
  deps: Pick<PipelineDeps, "db" | "env">,
  gh: GitHubClient,
  p: { repo: RepoRef; issueNumber: number; marker: string; body: string; jobKey: string; knownId?: number },
): Promise<{ id: number; htmlUrl: string }> {
  const knownId = p.knownId ?? (await findStickyCommentId(deps.db, p.repo.fullName, p.issueNumber, p.marker));
  const record = knownId === undefined ? await getJobRecord(deps.db, p.jobKey) : null;
  const since = record ? new Date(Date.parse(record.createdAt) - CLOCK_SKEW_MS).toISOString() : undefined;
  const posted = await upsertStickyComment(gh, {
    owner: p.repo.owner,
    repo: p.repo.name,
    issueNumber: p.issueNumber,
    marker: p.marker,
    body: p.body,
    knownId,
    since,
    appSlug: deps.env.APP_SLUG,
  });
  if (posted.id !== knownId) await saveStickyCommentId(deps.db, p.repo.fullName, p.issueNumber, p.marker, posted.id);
  return posted;
}

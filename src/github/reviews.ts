import { z } from "zod";
import type { GitHubClient } from "./client.js";
import { callGitHub } from "./errors.js";

const ReviewComment = z.object({
  path: z.string(),
  line: z.number().nullable().optional(),
  original_line: z.number().nullable().optional(),
  body: z.string(),
});

/** The line comments of one review, as `path:line: text` (their text is untrusted). */
export async function listReviewComments(
  gh: GitHubClient,
  params: { owner: string; repo: string; pullNumber: number; reviewId: number },
): Promise<{ path: string; line: number | null; body: string }[]> {
  const { owner, repo, pullNumber, reviewId } = params;
  const route = `GET /repos/${owner}/${repo}/pulls/${pullNumber}/reviews/${reviewId}/comments`;
  const data = await callGitHub(route, () =>
    gh.paginate("GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews/{review_id}/comments", {
      owner,
      repo,
      pull_number: pullNumber,
      review_id: reviewId,
      per_page: 100,
    }),
  );
  return z
    .array(ReviewComment)
    .parse(data)
    .map((c) => ({ path: c.path, line: c.line ?? c.original_line ?? null, body: c.body }));
}

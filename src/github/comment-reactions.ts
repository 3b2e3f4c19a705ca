import { z } from "zod";
import type { GitHubClient } from "./client.js";
import { callGitHub, isGitHubStatus } from "./errors.js";

const Params = z.object({ owner: z.string().min(1), repo: z.string().min(1), commentId: z.number().int().positive() });
// GitHub's comment objects carry a rollup of their reactions: one request gives both counts, whoever reacted.
const Comment = z.object({
  reactions: z.object({ "+1": z.number().int().min(0), "-1": z.number().int().min(0) }).optional(),
});

/** 👍 and 👎 on one issue or PR comment, read from the comment's reaction rollup; null when the comment is gone. */
export async function getCommentThumbs(gh: GitHubClient, params: z.input<typeof Params>): Promise<{ up: number; down: number } | null> {
  const { owner, repo, commentId } = Params.parse(params);
  const route = `GET /repos/${owner}/${repo}/issues/comments/${commentId}`;
  try {
    const response = await callGitHub(route, () =>
      gh.request("GET /repos/{owner}/{repo}/issues/comments/{comment_id}", { owner, repo, comment_id: commentId }),
    );
    const reactions = Comment.parse(response.data).reactions;
    return { up: reactions?.["+1"] ?? 0, down: reactions?.["-1"] ?? 0 };
  } catch (error) {
    if (isGitHubStatus(error, 404, 410)) return null;
    throw error;
  }
}

import { z } from "zod";
import type { GitHubClient } from "./client.js";
import { callGitHub } from "./errors.js";
import { fitBody } from "./limits.js";

export { upsertStickyComment } from "./sticky-comment.js";

const Repo = { owner: z.string().min(1), repo: z.string().min(1) };
const PostParams = z.object({ ...Repo, issueNumber: z.number().int().positive(), body: z.string().min(1) });
const Posted = z.object({ id: z.number(), html_url: z.string() });

/** Posts a new comment on an issue or pull request (cut to GitHub's size limit rather than refused). */
export async function postComment(
  gh: GitHubClient,
  params: { owner: string; repo: string; issueNumber: number; body: string },
): Promise<{ id: number; htmlUrl: string }> {
  const { owner, repo, issueNumber, body } = PostParams.parse(params);
  const route = `POST /repos/${owner}/${repo}/issues/${issueNumber}/comments`;
  const response = await callGitHub(route, () =>
    gh.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
      owner,
      repo,
      issue_number: issueNumber,
      body: fitBody(body),
    }),
  );
  const posted = Posted.parse(response.data);
  return { id: posted.id, htmlUrl: posted.html_url };
}

export const ReactionContent = z.enum(["+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes"]);
export type ReactionContent = z.infer<typeof ReactionContent>;

const ReactionParams = z.union([
  z.object({ ...Repo, commentId: z.number().int().positive(), content: ReactionContent }),
  z.object({ ...Repo, issueNumber: z.number().int().positive(), content: ReactionContent }),
  z.object({ ...Repo, reviewCommentId: z.number().int().positive(), content: ReactionContent }),
]);

/** Reacts to a comment (e.g. 👀 on a `/codex` command as an acknowledgement) or to an issue/PR itself. */
export async function addReaction(
  gh: GitHubClient,
  params:
    | { owner: string; repo: string; commentId: number; content: ReactionContent }
    | { owner: string; repo: string; issueNumber: number; content: ReactionContent }
    | { owner: string; repo: string; reviewCommentId: number; content: ReactionContent },
): Promise<{ id: number }> {
  const p = ReactionParams.parse(params);
  const { owner, repo, content } = p;
  if ("reviewCommentId" in p) {
    // A comment on a line of a pull request's diff lives under pulls/comments, not issues/comments.
    const route = `POST /repos/${owner}/${repo}/pulls/comments/${p.reviewCommentId}/reactions`;
    const response = await callGitHub(route, () =>
      gh.request("POST /repos/{owner}/{repo}/pulls/comments/{comment_id}/reactions", {
        owner,
        repo,
        comment_id: p.reviewCommentId,
        content,
      }),
    );
    return { id: z.object({ id: z.number() }).parse(response.data).id };
  }
  if ("commentId" in p) {
    const route = `POST /repos/${owner}/${repo}/issues/comments/${p.commentId}/reactions`;
    const response = await callGitHub(route, () =>
      gh.request("POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", {
        owner,
        repo,
        comment_id: p.commentId,
        content,
      }),
    );
    return { id: z.object({ id: z.number() }).parse(response.data).id };
  }
  const route = `POST /repos/${owner}/${repo}/issues/${p.issueNumber}/reactions`;
  const response = await callGitHub(route, () =>
    gh.request("POST /repos/{owner}/{repo}/issues/{issue_number}/reactions", {
      owner,
      repo,
      issue_number: p.issueNumber,
      content,
    }),
  );
  return { id: z.object({ id: z.number() }).parse(response.data).id };
}

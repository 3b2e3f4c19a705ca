import { z } from "zod";
import type { GitHubClient } from "./client.js";
import { callGitHub, isGitHubStatus } from "./errors.js";
import { fitBody } from "./limits.js";

const Params = z.object({
  owner: z.string().min(1),
  repo: z.string().min(1),
  number: z.number().int().positive(),
  commitId: z.string().regex(/^[0-9a-f]{40}$/, "commitId must be a full commit sha"),
  body: z.string(),
  comments: z
    .array(z.object({ path: z.string().min(1), line: z.number().int().positive(), body: z.string().min(1) }))
    .max(50, "at most 50 line comments per review"),
});

export type PullRequestReviewParams = z.input<typeof Params>;

export interface PostedReview {
  id: number;
  htmlUrl: string;
  /** Comments that landed on their lines. */
  inline: number;
  /** Comments GitHub refused to place (422), folded into the body as `path:line: text`. */
  movedToBody: number;
}

const Review = z.object({ id: z.number(), html_url: z.string() });

/** A comment as a list item of the body: `path:line: text`, continuation lines indented to stay in the item. */
function asBodyLine(c: { path: string; line: number; body: string }): string {
  return `- \`${c.path.replace(/`/g, "'")}:${c.line}\`: ${c.body.trim().replace(/\n/g, "\n  ")}`;
}

/**
 * Posts a review with line comments on a pull request. The event is always COMMENT: the bot gives a second
 * opinion and never approves or blocks. `commit_id` pins the comments to the commit that was reviewed, so a
 * push in between does not move them onto other lines.
 *
 * GitHub refuses the whole review (422) when one comment's line is not part of the diff, without saying
 * which; then it is posted once more with every comment moved into the body, so the review is not lost.
 */
export async function postPullRequestReview(gh: GitHubClient, params: PullRequestReviewParams): Promise<PostedReview> {
  const { owner, repo, number, commitId, body, comments } = Params.parse(params);
  const route = `POST /repos/${owner}/${repo}/pulls/${number}/reviews`;
  const post = async (text: string, lineComments: typeof comments) => {
    const response = await callGitHub(route, () =>
      gh.request("POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews", {
        owner,
        repo,
        pull_number: number,
        commit_id: commitId,
        event: "COMMENT",
        body: text,
        comments: lineComments.map((c) => ({ path: c.path, line: c.line, side: "RIGHT" as const, body: fitBody(c.body) })),
      }),
    );
    return Review.parse(response.data);
  };

  try {
    const review = await post(fitBody(body), comments);
    return { id: review.id, htmlUrl: review.html_url, inline: comments.length, movedToBody: 0 };
  } catch (error) {
    if (!comments.length || !isGitHubStatus(error, 422)) throw error;
  }
  const folded = ["", "**Comments GitHub could not place on lines of the diff**", "", ...comments.map(asBodyLine)].join("\n");
  const review = await post(fitBody(`${body.trimEnd()}\n${folded}`), []);
  return { id: review.id, htmlUrl: review.html_url, inline: 0, movedToBody: comments.length };
}

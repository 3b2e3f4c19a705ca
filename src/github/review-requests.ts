import { z } from "zod";
import type { GitHubClient } from "./client.js";
import { callGitHub, isGitHubStatus } from "./errors.js";

const Login = z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$/, "not a GitHub login");
const Team = z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, "not a team slug");
const Params = z.object({
  owner: z.string().min(1),
  repo: z.string().min(1),
  number: z.number().int().positive(),
  reviewers: z.array(Login),
  teamReviewers: z.array(Team).optional(),
});

/**
 * Asks people (and teams) to review the pull request. GitHub answers 422 when one of them is not a
 * collaborator or is the PR's author; that is a configuration problem, not a reason to fail the job: it comes
 * back as a warning.
 */
export async function requestReviewers(
  gh: GitHubClient,
  params: { owner: string; repo: string; number: number; reviewers: string[]; teamReviewers?: string[] },
): Promise<{ requested: boolean; warnings: string[] }> {
  const { owner, repo, number, reviewers, teamReviewers = [] } = Params.parse(params);
  if (reviewers.length === 0 && teamReviewers.length === 0) return { requested: false, warnings: [] };
  const route = `POST /repos/${owner}/${repo}/pulls/${number}/requested_reviewers`;
  try {
    await callGitHub(route, () =>
      gh.request("POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers", {
        owner,
        repo,
        pull_number: number,
        reviewers,
        team_reviewers: teamReviewers,
      }),
    );
    return { requested: true, warnings: [] };
  } catch (error) {
    if (!isGitHubStatus(error, 422)) throw error;
    const who = [...reviewers, ...teamReviewers.map((t) => `team ${t}`)].join(", ");
    return { requested: false, warnings: [`could not request a review from ${who}: ${(error as Error).message}`] };
  }
}

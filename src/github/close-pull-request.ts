import { z } from "zod";
import type { GitHubClient } from "./client.js";
import { callGitHub } from "./errors.js";

const Params = z.object({ owner: z.string().min(1), repo: z.string().min(1), number: z.number().int().positive() });

/** Closes a pull request without merging it (a maintenance PR the default branch no longer needs). */
export async function closePullRequest(gh: GitHubClient, params: { owner: string; repo: string; number: number }): Promise<void> {
  const { owner, repo, number } = Params.parse(params);
  const route = `PATCH /repos/${owner}/${repo}/pulls/${number}`;
  await callGitHub(route, () =>
    gh.request("PATCH /repos/{owner}/{repo}/pulls/{pull_number}", { owner, repo, pull_number: number, state: "closed" }),
  );
}

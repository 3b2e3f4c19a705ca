import { z } from "zod";
import { validateBotBranch } from "./branches.js";
import type { GitHubClient } from "./client.js";
import { callGitHub } from "./errors.js";

const Pull = z.object({
  head: z.object({ ref: z.string(), sha: z.string(), repo: z.object({ full_name: z.string() }).nullable() }),
});

/**
 * The head commits of the closed (and merged) pull requests of one of the bot's branches. GitHub keeps a
 * closed PR's commits reachable (`refs/pull/<n>/head`) however its branch moves later, so a branch still at
 * one of these heads can be reset without losing anyone's work.
 */
export async function closedPullRequestHeads(
  gh: GitHubClient,
  params: { owner: string; repo: string; branch: string },
): Promise<Set<string>> {
  const { owner, repo } = params;
  const branch = validateBotBranch(params.branch);
  const response = await callGitHub(`GET /repos/${owner}/${repo}/pulls?head=${owner}:${branch}&state=closed`, () =>
    gh.request("GET /repos/{owner}/{repo}/pulls", { owner, repo, head: `${owner}:${branch}`, state: "closed", per_page: 100 }),
  );
  const own = `${owner}/${repo}`.toLowerCase();
  return new Set(
    z
      .array(Pull)
      .parse(response.data)
      .filter((p) => p.head.ref === branch && p.head.repo?.full_name.toLowerCase() === own)
      .map((p) => p.head.sha),
  );
}

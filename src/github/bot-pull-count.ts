import { z } from "zod";
import type { GitHubClient } from "./client.js";
import { callGitHub } from "./errors.js";

const Params = z.object({ owner: z.string().min(1), repo: z.string().min(1), branchPrefix: z.string().min(1) });
const Pull = z.object({ head: z.object({ ref: z.string(), repo: z.object({ full_name: z.string() }).nullable() }) });

/**
 * How many open pull requests have a head branch of the bot (name starting with the prefix) in this very
 * repository, for the cap on open bot PRs. A fork's `codex/…` branch is not ours and does not count.
 */
export async function countOpenBotPullRequests(
  gh: GitHubClient,
  params: { owner: string; repo: string; branchPrefix: string },
): Promise<number> {
  const { owner, repo, branchPrefix } = Params.parse(params);
  const fullName = `${owner}/${repo}`.toLowerCase();
  const route = `GET /repos/${owner}/${repo}/pulls?state=open`;
  const pulls = await callGitHub(route, () =>
    gh.paginate("GET /repos/{owner}/{repo}/pulls", { owner, repo, state: "open", per_page: 100 }),
  );
  return pulls
    .map((p) => Pull.parse(p))
    .filter((p) => p.head.ref.startsWith(branchPrefix) && p.head.repo?.full_name.toLowerCase() === fullName).length;
}

import { z } from "zod";
import type { GitHubClient } from "./client.js";
import { callGitHub } from "./errors.js";

export interface PullRequestInfo {
  number: number;
  state: string;
  headRef: string;
  headSha: string;
  /** null when the fork the PR came from was deleted. */
  headRepoFullName: string | null;
  baseRef: string;
  baseRepoFullName: string;
  draft: boolean;
  htmlUrl: string;
  /** Who opened it; null for a deleted account. */
  authorLogin: string | null;
  /** The description; null when it has none. */
  body: string | null;
}

const Pull = z.object({
  number: z.number(),
  state: z.string(),
  draft: z.boolean().optional(),
  html_url: z.string(),
  body: z.string().nullable().optional(),
  head: z.object({ ref: z.string(), sha: z.string(), repo: z.object({ full_name: z.string() }).nullable() }),
  base: z.object({ ref: z.string(), repo: z.object({ full_name: z.string() }) }),
  user: z.object({ login: z.string() }).nullable().optional(),
});

/** Turns a pull request object of the REST API into plain data. */
export function toPullRequestInfo(raw: unknown): PullRequestInfo {
  const pr = Pull.parse(raw);
  return {
    number: pr.number,
    state: pr.state,
    headRef: pr.head.ref,
    headSha: pr.head.sha,
    headRepoFullName: pr.head.repo?.full_name ?? null,
    baseRef: pr.base.ref,
    baseRepoFullName: pr.base.repo.full_name,
    draft: pr.draft ?? false,
    htmlUrl: pr.html_url,
    authorLogin: pr.user?.login ?? null,
    body: pr.body ?? null,
  };
}

const Repo = { owner: z.string().min(1), repo: z.string().min(1) };
const ShaParams = z.object({ ...Repo, sha: z.string().regex(/^[0-9a-f]{7,40}$/, "sha must be hexadecimal") });
const NumberParams = z.object({ ...Repo, number: z.number().int().positive() });

/**
 * The open pull requests whose head is this commit. workflow_run.pull_requests is empty for fork PRs, so this
 * is how a red run on a fork finds its PR.
 */
export async function findPullRequestsForSha(
  gh: GitHubClient,
  params: { owner: string; repo: string; sha: string },
): Promise<PullRequestInfo[]> {
  const { owner, repo, sha } = ShaParams.parse(params);
  const route = `GET /repos/${owner}/${repo}/commits/${sha}/pulls`;
  const pulls = await callGitHub(route, () =>
    gh.paginate("GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls", {
      owner,
      repo,
      commit_sha: sha,
      per_page: 100,
    }),
  );
  return pulls.map(toPullRequestInfo).filter((pr) => pr.state === "open");
}

/** One pull request, read fresh. */
export async function getPullRequest(gh: GitHubClient, params: { owner: string; repo: string; number: number }): Promise<PullRequestInfo> {
  const { owner, repo, number } = NumberParams.parse(params);
  const route = `GET /repos/${owner}/${repo}/pulls/${number}`;
  const response = await callGitHub(route, () =>
    gh.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", { owner, repo, pull_number: number }),
  );
  return toPullRequestInfo(response.data);
}

import { z } from "zod";
import type { GitCommit } from "./app-commit.js";
import type { GitHubClient } from "./client.js";
import { callGitHub } from "./errors.js";

const Params = z.object({
  owner: z.string().min(1),
  repo: z.string().min(1),
  // Shas only: branch names with slashes do not survive the `{basehead}` path segment on every GitHub host.
  base: z.string().regex(/^[0-9a-f]{40}$/),
  head: z.string().regex(/^[0-9a-f]{40}$/),
});

const Person = z.object({ name: z.string(), email: z.string() }).nullable();
const Comparison = z.object({
  behind_by: z.number().int(),
  ahead_by: z.number().int(),
  total_commits: z.number().int(),
  merge_base_commit: z.object({ sha: z.string() }),
  commits: z.array(
    z.object({
      sha: z.string(),
      parents: z.array(z.object({ sha: z.string() })),
      commit: z.object({
        tree: z.object({ sha: z.string() }),
        author: Person,
        committer: Person,
        verification: z.object({ verified: z.boolean() }).nullable().optional(),
      }),
    }),
  ),
  files: z.array(z.unknown()).optional(),
});

export interface CommitComparison {
  /** Commits on base that head does not have: the base moved on since head branched off it. */
  behindBy: number;
  aheadBy: number;
  mergeBase: string;
  /** head's own commits (base..head), oldest first, in the shape isAppCommit reads. */
  commits: GitCommit[];
  /** False when GitHub listed fewer commits than there are (it lists at most 250): unknown ones were not seen. */
  complete: boolean;
  /** Files that differ between the merge base and head (the pull request's net change); null when not listed. */
  changedFiles: number | null;
}

/** `GET /repos/{o}/{r}/compare/{base}...{head}`: what head adds to base, and whether base moved on. */
export async function compareCommits(
  gh: GitHubClient,
  params: { owner: string; repo: string; base: string; head: string },
): Promise<CommitComparison> {
  const { owner, repo, base, head } = Params.parse(params);
  const route = `GET /repos/${owner}/${repo}/compare/${base}...${head}`;
  const response = await callGitHub(route, () =>
    gh.request("GET /repos/{owner}/{repo}/compare/{basehead}", { owner, repo, basehead: `${base}...${head}`, per_page: 250 }),
  );
  const c = Comparison.parse(response.data);
  return {
    behindBy: c.behind_by,
    aheadBy: c.ahead_by,
    mergeBase: c.merge_base_commit.sha,
    commits: c.commits.map((k) => ({
      sha: k.sha,
      tree: k.commit.tree,
      parents: k.parents,
      author: k.commit.author,
      committer: k.commit.committer,
      verification: k.commit.verification ?? null,
    })),
    complete: c.commits.length >= c.total_commits,
    changedFiles: c.files ? c.files.length : null,
  };
}

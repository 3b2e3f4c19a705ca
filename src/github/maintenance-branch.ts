import { z } from "zod";
import { readBranch, validateBotBranch } from "./branches.js";
import type { GitHubClient } from "./client.js";
import { BranchMovedError, RefusedBranchError } from "./commit-errors.js";
import { callGitHub, isGitHubStatus } from "./errors.js";
import { CommitChange, readCommit, writeTree } from "./git-commit.js";

/** The only branches the bot ever force-moves: a maintenance task's living branch. */
export const MAINTENANCE_BRANCH_PREFIX = "codex/maintenance/";

const Sha = z.string().regex(/^[0-9a-f]{40}$/, "a commit sha is 40 lowercase hex digits");

const Params = z.object({
  owner: z.string().min(1),
  repo: z.string().min(1),
  branch: z
    .string()
    .refine((b) => b.startsWith(MAINTENANCE_BRANCH_PREFIX), `only branches under ${MAINTENANCE_BRANCH_PREFIX} are replaced`),
  /** The new commit's only parent: the default branch's head the worktree was checked out at. */
  baseSha: Sha,
  message: z.string().trim().min(1, "the commit message is empty"),
  changes: z.array(CommitChange).min(1, "there are no changes to commit"),
  /** The head the bot read when the run started; null: the branch did not exist. Anything else now → refused. */
  expectedHead: Sha.nullable(),
});
export type ReplaceBotBranchParams = z.input<typeof Params>;

const Created = z.object({ sha: z.string() });
const Repository = z.object({ default_branch: z.string() });

/**
 * Rebuilds a maintenance branch: one new commit (made as the App, so Verified) on `baseSha` with the changes,
 * and the branch moved to it with force. The only force-push of the bot, so it is narrow:
 * - only `codex/maintenance/…` branches, never the default branch or a protected one;
 * - compare-and-swap by hand: the branch must still point at `expectedHead` (the head the bot read, and
 *   checked was all the App's commits, when the run started); otherwise BranchMovedError and nothing moves.
 *
 * GitHub's ref API has no conditional update, so a small window remains between the read just before the
 * PATCH and the PATCH itself (a few milliseconds): a push landing exactly there would be replaced. The
 * person's commit still exists (and shows in the PR's timeline as a force-push); the next run finds the
 * PR's commits all the App's and goes on.
 */
export async function replaceBotBranch(gh: GitHubClient, params: ReplaceBotBranchParams): Promise<{ commitSha: string }> {
  const { owner, repo, branch, baseSha, message, changes, expectedHead } = Params.parse(params);
  validateBotBranch(branch);

  const repoRoute = `GET /repos/${owner}/${repo}`;
  const repository = Repository.parse((await callGitHub(repoRoute, () => gh.request("GET /repos/{owner}/{repo}", { owner, repo }))).data);
  if (repository.default_branch === branch) throw new RefusedBranchError(branch, "default");

  const before = await readBranch(gh, { owner, repo, branch });
  if (before?.protected) throw new RefusedBranchError(branch, "protected");
  if ((before?.head ?? null) !== expectedHead) throw new BranchMovedError(branch, before?.head ?? "(deleted)", expectedHead);

  const base = await readCommit(gh, owner, repo, baseSha);
  const tree = await writeTree(gh, owner, repo, base.tree.sha, changes);
  if (tree === base.tree.sha) throw new Error(`replaceBotBranch: the changes leave ${baseSha} as it is; there is nothing to commit`);
  const commitRoute = `POST /repos/${owner}/${repo}/git/commits`;
  const commit = await callGitHub(commitRoute, () =>
    gh.request("POST /repos/{owner}/{repo}/git/commits", { owner, repo, message, tree, parents: [baseSha] }),
  );
  const commitSha = Created.parse(commit.data).sha;

  if (expectedHead === null) {
    const route = `POST /repos/${owner}/${repo}/git/refs`;
    try {
      await callGitHub(route, () =>
        gh.request("POST /repos/{owner}/{repo}/git/refs", { owner, repo, ref: `refs/heads/${branch}`, sha: commitSha }),
      );
    } catch (error) {
      // 422 "Reference already exists": someone created the branch since our read.
      if (!isGitHubStatus(error, 422)) throw error;
      const now = await readBranch(gh, { owner, repo, branch });
      if (!now) throw error;
      throw new BranchMovedError(branch, now.head, null);
    }
    return { commitSha };
  }

  // The swap's check, as late as possible: the tree and commit are written, only the PATCH remains.
  const now = await readBranch(gh, { owner, repo, branch });
  if (now?.head !== expectedHead) throw new BranchMovedError(branch, now?.head ?? "(deleted)", expectedHead);
  const route = `PATCH /repos/${owner}/${repo}/git/refs/heads/${branch}`;
  await callGitHub(route, () =>
    gh.request("PATCH /repos/{owner}/{repo}/git/refs/{ref}", { owner, repo, ref: `heads/${branch}`, sha: commitSha, force: true }),
  );
  return { commitSha };
}

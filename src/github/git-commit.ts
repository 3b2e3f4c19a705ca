import { createHash } from "node:crypto";
import { z } from "zod";
import { AppCommit, isAppCommit, type GitCommit } from "./app-commit.js";
import { readBranch, validateBotBranch } from "./branches.js";
import type { GitHubClient } from "./client.js";
import { BranchMovedError, RefusedBranchError } from "./commit-errors.js";
import { callGitHub, isGitHubStatus } from "./errors.js";

export { BranchMovedError, RefusedBranchError } from "./commit-errors.js";

const Sha = z.string().regex(/^[0-9a-f]{40}$/, "a commit sha is 40 lowercase hex digits");

// The same rules GitHub's tree API applies, checked here so a bad path fails before anything is written.
const TreePath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !p.startsWith("/") && !p.endsWith("/"), "a path must be relative and name a file")
  .refine(
    (p) => !p.split("/").some((s) => s === "" || s === "." || s === ".." || s.toLowerCase() === ".git"),
    "a path must not contain empty, '.', '..' or '.git' segments",
  )
  .refine((p) => !/[\u0000-\u001f\u007f]/.test(p), "a path must not contain control characters");

export const CommitChange = z.object({
  path: TreePath,
  // A gitlink (160000) points at a commit of another repository: there is no content to upload, and the
  // policy refuses it anyway.
  mode: z.enum(["100644", "100755", "120000"], { message: "mode must be 100644, 100755 or 120000 (gitlinks cannot be committed)" }),
  /** The new bytes (for a symlink, its target); null deletes the path. */
  content: z.instanceof(Buffer).nullable(),
});
export type CommitChange = z.infer<typeof CommitChange>;

const Params = z.object({
  owner: z.string().min(1),
  repo: z.string().min(1),
  branch: z.string(),
  /** The commit the changes were made against (the worktree's base). */
  baseSha: Sha,
  message: z.string().trim().min(1, "the commit message is empty"),
  changes: z
    .array(CommitChange)
    .min(1, "there are no changes to commit")
    .refine((list) => new Set(list.map((c) => c.path)).size === list.length, "each path may appear only once"),
  /**
   * The sha the bot last pushed to this branch (stored by the caller). null: the branch must not exist yet.
   * undefined: the branch must not exist or must point at a commit made by the App (see app-commit.ts).
   */
  expectedHead: Sha.nullable().optional(),
  /** The App's slug, to tell its commits from another App's; recommended. */
  appSlug: z.string().min(1).optional(),
});
export type CommitChangesParams = z.input<typeof Params>;

const Created = z.object({ sha: z.string() });
const Repository = z.object({ default_branch: z.string() });

export async function readCommit(gh: GitHubClient, owner: string, repo: string, sha: string): Promise<GitCommit> {
  const route = `GET /repos/${owner}/${repo}/git/commits/${sha}`;
  const response = await callGitHub(route, () =>
    gh.request("GET /repos/{owner}/{repo}/git/commits/{commit_sha}", { owner, repo, commit_sha: sha }),
  );
  return AppCommit.parse(response.data);
}

/** Uploads each distinct content once, then writes the tree on top of the base tree; returns the tree sha. */
export async function writeTree(gh: GitHubClient, owner: string, repo: string, baseTree: string, changes: CommitChange[]): Promise<string> {
  const blobs = new Map<string, string>();
  const entries: { path: string; mode: CommitChange["mode"]; type: "blob"; sha: string | null }[] = [];
  // One after another: blob creation counts against GitHub's secondary limit on content-creating requests.
  for (const change of changes) {
    if (change.content === null) {
      entries.push({ path: change.path, mode: change.mode, type: "blob", sha: null });
      continue;
    }
    const key = createHash("sha256").update(change.content).digest("hex");
    let sha = blobs.get(key);
    if (!sha) {
      const content = change.content.toString("base64");
      const route = `POST /repos/${owner}/${repo}/git/blobs`;
      const response = await callGitHub(route, () =>
        gh.request("POST /repos/{owner}/{repo}/git/blobs", { owner, repo, content, encoding: "base64" }),
      );
      sha = Created.parse(response.data).sha;
      blobs.set(key, sha);
    }
    entries.push({ path: change.path, mode: change.mode, type: "blob", sha });
  }
  const route = `POST /repos/${owner}/${repo}/git/trees`;
  const response = await callGitHub(route, () =>
    gh.request("POST /repos/{owner}/{repo}/git/trees", { owner, repo, base_tree: baseTree, tree: entries }),
  );
  return Created.parse(response.data).sha;
}

/**
 * Commits the changes on the bot's branch through the Git Data API (blobs → tree → commit → ref), as the App:
 * no author or committer is sent, so GitHub signs the commit and shows it as Verified.
 *
 * Safe to call again after a crash: when the branch already holds a commit with exactly this tree on our
 * parent, that commit is returned (`created: false`) and nothing is written. A branch someone else moved is
 * never overwritten (BranchMovedError); the default branch and protected branches are refused
 * (RefusedBranchError). The ref only ever moves forward (`force: false`).
 *
 * Parents: a new branch starts at `baseSha`. On an existing branch the commit goes on top of its head; when
 * `baseSha` is neither the head nor its parent (the base moved on since the last push), `baseSha` becomes a
 * second parent, so the pull request's diff against its base is still exactly these changes.
 */
export async function commitChanges(gh: GitHubClient, params: CommitChangesParams): Promise<{ commitSha: string; created: boolean }> {
  const { owner, repo, branch, baseSha, message, changes, expectedHead, appSlug } = Params.parse(params);
  validateBotBranch(branch);

  const repoRoute = `GET /repos/${owner}/${repo}`;
  const repository = Repository.parse((await callGitHub(repoRoute, () => gh.request("GET /repos/{owner}/{repo}", { owner, repo }))).data);
  if (repository.default_branch === branch) throw new RefusedBranchError(branch, "default");
  const current = await readBranch(gh, { owner, repo, branch });
  if (current?.protected) throw new RefusedBranchError(branch, "protected");

  const head = current?.head ?? null;
  const headCommit = head ? await readCommit(gh, owner, repo, head) : null;
  // Ours to build on: the sha the caller last pushed, or (nothing stored) a commit the App made.
  const ours = headCommit !== null && (head === expectedHead || (expectedHead === undefined && isAppCommit(headCommit, appSlug)));
  // Possibly our own earlier attempt (crash before the caller stored its sha): same parent as we would use.
  const firstParent = headCommit?.parents[0]?.sha;
  const earlierAttempt = firstParent !== undefined && (firstParent === baseSha || firstParent === expectedHead);
  if (head && !ours && !earlierAttempt) throw new BranchMovedError(branch, head, expectedHead);

  const base = head === baseSha && headCommit ? headCommit : await readCommit(gh, owner, repo, baseSha);
  const tree = await writeTree(gh, owner, repo, base.tree.sha, changes);

  if (headCommit && headCommit.tree.sha === tree) return { commitSha: headCommit.sha, created: false };
  if (head && !ours) throw new BranchMovedError(branch, head, expectedHead);
  if (!head && tree === base.tree.sha) throw new Error(`commitChanges: the changes leave ${baseSha} as it is; there is nothing to commit`);

  const parents = !headCommit
    ? [baseSha]
    : baseSha === headCommit.sha || headCommit.parents.some((p) => p.sha === baseSha)
      ? [headCommit.sha]
      : [headCommit.sha, baseSha];
  const commitRoute = `POST /repos/${owner}/${repo}/git/commits`;
  const commit = await callGitHub(commitRoute, () =>
    gh.request("POST /repos/{owner}/{repo}/git/commits", { owner, repo, message, tree, parents }),
  );
  const commitSha = Created.parse(commit.data).sha;

  try {
    if (head) {
      const route = `PATCH /repos/${owner}/${repo}/git/refs/heads/${branch}`;
      await callGitHub(route, () =>
        gh.request("PATCH /repos/{owner}/{repo}/git/refs/{ref}", { owner, repo, ref: `heads/${branch}`, sha: commitSha, force: false }),
      );
    } else {
      const route = `POST /repos/${owner}/${repo}/git/refs`;
      await callGitHub(route, () =>
        gh.request("POST /repos/{owner}/{repo}/git/refs", { owner, repo, ref: `refs/heads/${branch}`, sha: commitSha }),
      );
    }
  } catch (error) {
    // 422: the ref appeared or moved between our read and our write. Someone else pushed; ours stays unreferenced.
    if (!isGitHubStatus(error, 422)) throw error;
    const now = await readBranch(gh, { owner, repo, branch });
    if (!now || now.head === head) throw error;
    throw new BranchMovedError(branch, now.head, expectedHead);
  }
  return { commitSha, created: true };
}

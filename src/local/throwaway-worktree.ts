// The checkout a local run works in: `git worktree add --detach` of the user's HEAD into a temporary folder,
// removed afterwards. The agent never works in the user's own tree: whatever it does there (a half-written
// edit, a crash, a Ctrl-C) cannot touch uncommitted work, and a diff is applied only when asked (--apply).
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { GitError, runGit } from "../workspace/git.js";

/** A usage error: the CLI prints its message on one line and exits 2. */
export class LocalUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LocalUsageError";
  }
}

export interface ThrowawayWorktree {
  /** The user's repository (its top level). */
  repoRoot: string;
  /** The temporary checkout of HEAD. */
  path: string;
  sha: string;
  /** The user's tree has uncommitted changes or untracked files: they are not in the checkout. */
  dirty: boolean;
  /** Scratch space of the run, beside the checkout (the agent's TMPDIR, output schema, full logs). */
  jobDir: string;
  /** Unregisters and deletes the checkout; safe to call twice. */
  remove(): Promise<void>;
}

/** The top level of the repository `dir` is in, or null when it is in none. */
export async function repositoryRoot(dir: string): Promise<string | null> {
  try {
    await fs.access(dir);
    return await runGit(["rev-parse", "--show-toplevel"], { cwd: dir, timeoutMs: 30_000 });
  } catch (error) {
    if (error instanceof GitError || (error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

/** A temporary folder with a job dir and an empty work dir: a run without a checkout (triage of a log alone). */
export async function scratchDirs(): Promise<{ root: string; work: string; jobDir: string; remove(): Promise<void> }> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), "codex-dispatch-local-"));
  const work = path.join(root, "work");
  const jobDir = path.join(root, "job");
  await Promise.all([fs.mkdir(work), fs.mkdir(jobDir)]);
  return { root, work, jobDir, remove: () => fs.rm(root, { recursive: true, force: true }) };
}

/** Checks out HEAD of the repository around `cwd` into a new temporary folder. Throws LocalUsageError outside one. */
export async function addThrowawayWorktree(cwd: string): Promise<ThrowawayWorktree> {
  const repoRoot = await repositoryRoot(cwd);
  if (repoRoot === null) throw new LocalUsageError(`${path.resolve(cwd)} is not inside a git repository`);
  const git = (args: string[], at = repoRoot) => runGit(args, { cwd: at, timeoutMs: 120_000 });
  const sha = await git(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"]).catch(() => "");
  if (!sha) throw new LocalUsageError(`${repoRoot} has no commit yet: there is nothing to check out`);
  const dirty = (await git(["status", "--porcelain", "--untracked-files=normal"])) !== "";

  const scratch = await scratchDirs();
  const dir = path.join(scratch.root, "worktree");
  let removed: Promise<void> | undefined;
  const remove = () =>
    (removed ??= (async () => {
      await git(["worktree", "remove", "--force", "--force", "--", dir]).catch(() => undefined);
      // The folder goes even when git could not remove it (the agent changed its .git file); the prune then
      // drops the registration in the user's repository.
      await scratch.remove();
      await git(["worktree", "prune"]).catch(() => undefined);
    })());
  try {
    // No hooks: a post-checkout hook (a husky one comes with the repository's content) is not ours to run.
    await git(["-c", "core.hooksPath=/dev/null", "worktree", "add", "--quiet", "--detach", "--", dir, sha]);
  } catch (error) {
    await remove();
    throw error;
  }
  return { repoRoot, path: dir, sha, dirty, jobDir: scratch.jobDir, remove };
}

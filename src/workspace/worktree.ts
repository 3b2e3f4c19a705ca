import { promises as fs } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import type { AgentIsolation } from "../agent/isolation.js";
import { runGit } from "./git.js";
import { describeMirror } from "./layout.js";
import { withMirrorLock } from "./mirror-lock.js";
import { parseOrThrow, Sha } from "./names.js";

export interface Worktree {
  path: string;
  sha: string;
  /** Unregisters the worktree from the mirror and deletes the directory; the mirror is kept. */
  remove(): Promise<void>;
}

export interface AddWorktreeOptions {
  mirrorPath: string;
  sha: string;
  /** Absolute path; must not exist yet or be an empty directory. */
  dir: string;
  /** Agents' own uids: the worktree is bound to its repository's group. */
  isolation?: AgentIsolation | null;
}

/** Checks out `sha` (detached, never a branch head) into `dir` as a worktree of the mirror. */
export async function addWorktree(opts: AddWorktreeOptions): Promise<Worktree> {
  const sha = parseOrThrow(Sha, opts.sha, "addWorktree");
  if (!isAbsolute(opts.dir)) throw new Error(`addWorktree: dir must be absolute, got ${JSON.stringify(opts.dir)}`);
  const dir = resolve(opts.dir);
  const mirrorPath = resolve(opts.mirrorPath);

  // Same lock as fetches: `worktree add` writes into the mirror's worktrees/ and must not race a prune.
  await withMirrorLock(mirrorPath, async () => {
    await runGit(["worktree", "add", "--quiet", "--detach", "--", dir, sha], { cwd: mirrorPath });
  });
  const head = await runGit(["rev-parse", "HEAD"], { cwd: dir });
  if (head !== sha) throw new Error(`addWorktree: ${dir} is at ${head}, expected ${sha}`);
  // The repository is fixed here, by the bot, not later from the worktree's `.git` file, which the agent owns.
  const isolation = opts.isolation ?? null;
  await isolation?.bindWorktree(dir, describeMirror(mirrorPath));

  let removed: Promise<void> | undefined;
  return {
    path: dir,
    sha,
    remove() {
      removed ??= removeWorktree(mirrorPath, dir).finally(() => isolation?.unbindWorktree(dir));
      return removed;
    },
  };
}

async function removeWorktree(mirrorPath: string, dir: string): Promise<void> {
  let gitError: unknown;
  await withMirrorLock(mirrorPath, async () => {
    try {
      await runGit(["worktree", "remove", "--force", "--force", "--", dir], { cwd: mirrorPath });
    } catch (error) {
      gitError = error;
    }
    // The directory goes even when git failed (a broken .git file, files the agent made read-only); the
    // prune afterwards then drops the registration because the directory is gone.
    await fs.rm(dir, { recursive: true, force: true });
    await runGit(["worktree", "prune"], { cwd: mirrorPath }).catch(() => undefined);
  });
  if (
    gitError !== undefined &&
    (await fs.access(dir).then(
      () => true,
      () => false,
    ))
  )
    throw gitError;
}

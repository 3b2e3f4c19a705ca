import { promises as fs } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import type { AgentIsolation } from "../agent/isolation.js";
import { runGit } from "./git.js";
import { describeMirror } from "./layout.js";
import { withMirrorLock } from "./mirror-lock.js";
import { parseOrThrow, Sha } from "./names.js";
import { leaveSpare, takeSpare } from "./spare-checkout.js";
import { removeWorktree } from "./worktree-remove.js";

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
  /** Take a spare checkout when one is ready, and leave one for the next job on remove() (spare-checkout.ts). */
  spare?: boolean;
}

/**
 * Checks out `sha` (detached, never a branch head) into `dir` as a worktree of the mirror. With `spare`, a clean
 * checkout the bot left for this repository (spare-checkout.ts) is moved in and only the files that differ are
 * written; without one, or with it off, the files are written from scratch.
 */
export async function addWorktree(opts: AddWorktreeOptions): Promise<Worktree> {
  const sha = parseOrThrow(Sha, opts.sha, "addWorktree");
  if (!isAbsolute(opts.dir)) throw new Error(`addWorktree: dir must be absolute, got ${JSON.stringify(opts.dir)}`);
  const dir = resolve(opts.dir);
  const mirrorPath = resolve(opts.mirrorPath);

  if (!(opts.spare && (await fromSpare(mirrorPath, dir, sha)))) await freshWorktree(mirrorPath, dir, sha);
  const head = await detachedHead(dir);
  if (head !== sha) throw new Error(`addWorktree: ${dir} is at ${head}, expected ${sha}`);
  // The repository is fixed here, by the bot, not later from the worktree's `.git` file, which the agent owns.
  const isolation = opts.isolation ?? null;
  await isolation?.bindWorktree(dir, describeMirror(mirrorPath));

  let removed: Promise<void> | undefined;
  const remove = async () => {
    // The next job's spare is made from the mirror while this job's files are deleted (the two overlap, and the
    // second the spare's index must wait for passes meanwhile). A failure costs the next job its head start only.
    const spare = opts.spare ? leaveSpare(mirrorPath, sha).catch(() => undefined) : undefined;
    try {
      await removeWorktree(mirrorPath, dir).finally(() => isolation?.unbindWorktree(dir));
    } finally {
      await spare;
    }
  };
  return {
    path: dir,
    sha,
    remove() {
      removed ??= remove();
      return removed;
    },
  };
}

// The worktree's HEAD as git wrote it (`.git` names the admin dir in the mirror, whose HEAD holds the sha when
// detached): read from the files, not by starting git once more on every job's path. A branch name is not a sha.
async function detachedHead(dir: string): Promise<string> {
  const gitFile = await fs.readFile(join(dir, ".git"), "utf8");
  const admin = /^gitdir: (.+)$/m.exec(gitFile)?.[1];
  if (!admin) throw new Error(`addWorktree: ${dir}/.git names no git dir`);
  return (await fs.readFile(resolve(dir, admin.trim(), "HEAD"), "utf8")).trim();
}

// Registering the worktree (into the mirror's worktrees/) must not race a prune, so it happens under the same lock
// as fetches; writing the files does not need the lock (the directory exists, so a prune keeps the registration),
// and another job's fetch of the repository no longer waits for them.
async function freshWorktree(mirrorPath: string, dir: string, sha: string): Promise<void> {
  await withMirrorLock(mirrorPath, () =>
    runGit(["worktree", "add", "--quiet", "--no-checkout", "--detach", "--", dir, sha], { cwd: mirrorPath }),
  );
  try {
    await runGit(["reset", "--hard", "--quiet"], { cwd: dir });
  } catch (error) {
    await removeWorktree(mirrorPath, dir).catch(() => undefined);
    throw error;
  }
}

async function fromSpare(mirrorPath: string, dir: string, sha: string): Promise<boolean> {
  if (!(await takeSpare(mirrorPath, dir))) return false;
  try {
    // --force: the spare's tracked files become this commit's, whatever they were (nobody but the bot wrote them).
    await runGit(["checkout", "--quiet", "--force", "--detach", sha, "--"], { cwd: dir });
    return true;
  } catch {
    await removeWorktree(mirrorPath, dir).catch(() => undefined);
    return false;
  }
}

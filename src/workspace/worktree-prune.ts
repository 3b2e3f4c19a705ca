import { promises as fs } from "node:fs";
import { isAbsolute, join } from "node:path";
import { runGit } from "./git.js";

// `git worktree prune` drops the registration of a worktree whose directory is gone (a job dir deleted without
// remove(), a crash); each registration pins its commit. Run before every fetch, it is a git process on the path
// of every job, and almost always finds nothing: the same test is made here first, and git runs only when a
// registration looks stale (or cannot be read, or a newer git wrote a relative path: then git decides).
async function looksStale(adminDir: string): Promise<boolean> {
  const st = await fs.lstat(adminDir).catch(() => null);
  if (!st?.isDirectory()) return true;
  const gitdir = (await fs.readFile(join(adminDir, "gitdir"), "utf8").catch(() => "")).trim();
  if (gitdir === "" || !isAbsolute(gitdir)) return true;
  return fs.access(gitdir).then(
    () => false,
    () => true,
  );
}

/** Prunes the mirror's stale worktree registrations, starting git only when there is one. Call under the mirror's lock. */
export async function pruneWorktrees(mirrorPath: string): Promise<void> {
  const names = await fs
    .readdir(join(mirrorPath, "worktrees"))
    .catch((error: NodeJS.ErrnoException) => (error.code === "ENOENT" ? [] : null));
  if (names !== null) {
    const stale = await Promise.all(names.map((name) => looksStale(join(mirrorPath, "worktrees", name))));
    if (!stale.includes(true)) return;
  }
  await runGit(["worktree", "prune"], { cwd: mirrorPath });
}

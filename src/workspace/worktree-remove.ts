import { promises as fs } from "node:fs";
import { runGit } from "./git.js";
import { withMirrorLock } from "./mirror-lock.js";

/**
 * Unregisters a worktree and deletes its directory. Call under the mirror's lock (removeWorktree takes it).
 * The directory goes even when git failed (a broken .git file, files the agent made read-only); the prune
 * afterwards then drops the registration because the directory is gone. Returns git's error, if any.
 */
export async function removeWorktreeLocked(mirrorPath: string, dir: string): Promise<unknown> {
  let gitError: unknown;
  try {
    await runGit(["worktree", "remove", "--force", "--force", "--", dir], { cwd: mirrorPath });
  } catch (error) {
    gitError = error;
  }
  await fs.rm(dir, { recursive: true, force: true });
  await runGit(["worktree", "prune"], { cwd: mirrorPath }).catch(() => undefined);
  return gitError;
}

/** Unregisters the worktree from the mirror and deletes the directory; throws git's error only if the directory is still there. */
export async function removeWorktree(mirrorPath: string, dir: string): Promise<void> {
  const gitError = await withMirrorLock(mirrorPath, () => removeWorktreeLocked(mirrorPath, dir));
  if (
    gitError !== undefined &&
    (await fs.access(dir).then(
      () => true,
      () => false,
    ))
  )
    throw gitError;
}

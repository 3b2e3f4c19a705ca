import { runGit } from "./git.js";

/**
 * Puts the worktree back to its commit: tracked files restored, untracked files removed. Ignored files
 * (dependencies a verify command installed or built) stay, so the next run does not redo them.
 */
export async function resetWorktree(worktreePath: string): Promise<void> {
  await runGit(["checkout", "--force", "--", "."], { cwd: worktreePath });
  await runGit(["clean", "-fd", "--quiet"], { cwd: worktreePath });
}

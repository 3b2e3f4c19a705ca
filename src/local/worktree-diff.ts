// What the agent changed in the throw-away checkout, as a patch the user reads and `--apply` hands to
// `git apply` in their own tree. The policy is checked on collectChanges (workspace/diff.ts), the same view of
// the worktree the App checks; this patch is the printable form of that same worktree state.
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { GitError, runGit, runGitBuffer } from "../workspace/git.js";

/**
 * `git diff` of the worktree against `baseSha`, new files included (a temporary index: the worktree's own
 * index is never touched), binary-safe so that `git apply` can replay it exactly.
 */
export async function worktreePatch(worktree: string, baseSha: string): Promise<string> {
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), "codex-dispatch-patch-"));
  const env = { GIT_INDEX_FILE: path.join(tmp, "index") };
  try {
    await runGit(["read-tree", baseSha], { cwd: worktree, env });
    await runGit(["add", "-A", "--", "."], { cwd: worktree, env });
    const patch = await runGitBuffer(
      ["diff", "--cached", "--binary", "--no-renames", "--no-ext-diff", "--no-textconv", "--no-color", baseSha],
      {
        cwd: worktree,
        env,
      },
    );
    return patch.toString("utf8");
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}

export type ApplyResult = { ok: true } | { ok: false; error: string };

/** Applies `patch` to the user's working tree (not the index), all or nothing: `--check` first. */
export async function applyPatch(repoRoot: string, patch: string): Promise<ApplyResult> {
  try {
    await runGit(["apply", "--check", "-"], { cwd: repoRoot, input: patch });
    await runGit(["apply", "-"], { cwd: repoRoot, input: patch });
    return { ok: true };
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
    const why = error.stderr.trim().split("\n").slice(0, 5).join("; ");
    return { ok: false, error: why || error.message };
  }
}

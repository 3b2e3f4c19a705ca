import type { Change } from "../workspace/diff.js";
import type { CommitChange } from "./git-commit.js";

/**
 * The verified diff of a worktree (`collectChanges`) as tree edits for `commitChanges`: a rename is a
 * deletion of the old path plus the new file, a deletion carries null. A gitlink (160000) has no content to
 * upload and is refused with a clear error (the diff policy should have stopped it earlier).
 */
export function toCommitChanges(changes: readonly Change[]): CommitChange[] {
  const out: CommitChange[] = [];
  for (const change of changes) {
    if (change.mode === "160000")
      throw new Error(`toCommitChanges: ${change.path} is a gitlink (nested repository) and cannot be committed`);
    if (change.status === "renamed" && change.oldPath && change.oldPath !== change.path) {
      out.push({ path: change.oldPath, mode: change.mode, content: null });
    }
    if (change.status === "deleted") {
      out.push({ path: change.path, mode: change.mode, content: null });
      continue;
    }
    if (!change.content) throw new Error(`toCommitChanges: ${change.path} (${change.status}) has no content`);
    out.push({ path: change.path, mode: change.mode, content: change.content });
  }
  return out;
}

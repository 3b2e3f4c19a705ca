// GitHub's revert form, as its "Revert" button and `git revert` write it:
//
//   Revert "Fix the sum (#12)"
//
//   This reverts commit 0123…cdef.                       (a squash or rebase merge)
//   This reverts commit 0123…cdef, reversing             (a merge commit, reverted with -m 1)
//   changes made to 4567…89ab.
//
// Only a commit whose first line starts `Revert "` counts: a person quoting "This reverts commit" in a normal
// commit's body is not a revert.
const TITLE = /^Revert "/;
const REVERTS = /^This reverts commit ([0-9a-f]{40})\b/gm;

/** The full shas a commit message says it reverts (GitHub's revert form only); empty for any other message. */
export function revertedShas(message: string): string[] {
  if (!TITLE.test(message)) return [];
  return [...new Set([...message.matchAll(REVERTS)].map((m) => m[1]))];
}

// The command prefix comes from a repository's config, so a maintainer can choose `/bot` or `/ai`. It must
// stay a single slash-word: anything looser (spaces, punctuation, Unicode look-alikes) would make ordinary
// prose or a crafted comment match it.
const PREFIX = /^\/[a-z0-9-]{2,20}$/;

/** Returns the prefix in lower case (matching is case-insensitive), or throws saying what is wrong. */
export function validatePrefix(prefix: string): string {
  if (typeof prefix !== "string") throw new TypeError("command prefix must be a string");
  const normal = prefix.trim().toLowerCase();
  if (!PREFIX.test(normal)) {
    throw new Error(
      `command prefix ${JSON.stringify(prefix)} is invalid: it must be "/" followed by 2 to 20 letters, digits or dashes (e.g. "/codex")`,
    );
  }
  return normal;
}

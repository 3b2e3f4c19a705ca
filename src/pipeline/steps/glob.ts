import picomatch from "picomatch";

// Branch, workflow and check-run filters in .github/codex.yml: `*` within a path segment, `**` across, `?` one
// character, as picomatch reads them (the one glob library of the project). Names starting with a dot match
// too (a workflow file `.ci.yml`), and matching is exact and case-sensitive, as git branch names are.
// The diff policy's path matcher (workspace/glob.ts) uses picomatch too, but case-insensitive, with a slash-less
// pattern matching the file name at any depth, and braces, brackets and `!` kept literal.
const OPTIONS = { dot: true } as const;

/** True when the list is empty (no filter) or any glob matches any of the names. */
export function matchesAny(globs: string[], names: (string | null | undefined)[]): boolean {
  if (globs.length === 0) return true;
  const present = names.filter((n): n is string => !!n);
  const match = picomatch(globs, OPTIONS);
  return present.some((n) => match(n));
}

import { pullRequestDiff } from "../../workspace/pull-request-diff.js";

/** For each file the pull request changes, the lines of its new version that the diff shows. */
export type DiffLines = Map<string, Set<number>>;

// Git quotes unusual paths ("b/dir/na\"me"); the escapes it uses for them are JSON's for the common cases.
function unquote(p: string): string | null {
  if (!p.startsWith('"')) return p;
  try {
    return JSON.parse(p) as string;
  } catch {
    return null;
  }
}

/**
 * Parses a unified diff into the lines a review comment with `side: "RIGHT"` may sit on: added lines and the
 * context lines around them. GitHub refuses a review whose comments point anywhere else.
 */
export function parseDiffLines(diff: string): DiffLines {
  const lines: DiffLines = new Map();
  let current: Set<number> | null = null;
  let next = 0;
  let inHunk = false;
  for (const raw of diff.split("\n")) {
    if (raw.startsWith("diff --git ")) {
      current = null;
      inHunk = false;
    } else if (!inHunk && raw.startsWith("+++ ")) {
      const target = unquote(raw.slice(4).trim());
      // "/dev/null": the file was deleted, nothing of it is on the right side.
      const file = target?.startsWith("b/") ? target.slice(2) : null;
      current = file ? (lines.get(file) ?? new Set()) : null;
      if (file && current) lines.set(file, current);
    } else if (raw.startsWith("@@")) {
      const m = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(raw);
      inHunk = m !== null;
      next = m ? Number(m[1]) : 0;
    } else if (inHunk && current) {
      if (raw.startsWith("+") || raw.startsWith(" ")) current.add(next++);
      else if (!raw.startsWith("-") && !raw.startsWith("\\")) inHunk = false;
    }
  }
  return lines;
}

/** The commentable lines of the pull request's diff against the merge base, as GitHub shows it. */
export async function diffLines(worktreePath: string, baseSha: string, headSha: string): Promise<DiffLines> {
  return parseDiffLines(await pullRequestDiff(worktreePath, baseSha, headSha));
}

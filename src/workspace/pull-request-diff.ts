import { runGit } from "./git.js";

/**
 * The unified diff `git diff base...head` (three dots: against the merge base, as GitHub shows a pull request),
 * with paths unescaped (core.quotePath=false) and no external diff tool or colour, so it parses as plain text.
 */
export async function pullRequestDiff(worktreePath: string, baseSha: string, headSha: string): Promise<string> {
  return runGit(["-c", "core.quotePath=false", "diff", "--no-color", "--no-ext-diff", "-U3", `${baseSha}...${headSha}`, "--"], {
    cwd: worktreePath,
  });
}

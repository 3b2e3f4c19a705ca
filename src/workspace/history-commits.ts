// Which of the commits an agent cited are real commits of the history it read. The agent's sha is a string it
// typed: it may be made up, abbreviated ambiguously, or name a commit of another branch or PR (a commit the
// answer cannot rest on). Only a commit git resolves in the mirror AND that is an ancestor of (or is) the
// checked-out commit counts; the caller links only those, always by their full sha.
import { GitError, runGit } from "./git.js";
import { parseOrThrow, Sha } from "./names.js";

// 7 hex digits is git's shortest default abbreviation; anything else is never handed to git.
const CITED = /^[0-9a-f]{7,64}$/;

/**
 * Maps each cited sha (lowercased) to the full sha of the commit it names in `head`'s history; shas that
 * name nothing there are absent. Read-only git in the bot's own mirror, never in the agent's worktree.
 */
export async function commitsInHistory(mirrorPath: string, head: string, cited: string[]): Promise<Map<string, string>> {
  const tip = parseOrThrow(Sha, head, "commitsInHistory head");
  const found = new Map<string, string>();
  for (const raw of new Set(cited.map((c) => c.toLowerCase()))) {
    if (!CITED.test(raw)) continue;
    const full = await resolveCommit(mirrorPath, raw);
    if (full && (full === tip || (await isAncestor(mirrorPath, full, tip)))) found.set(raw, full);
  }
  return found;
}

async function resolveCommit(mirrorPath: string, sha: string): Promise<string | null> {
  try {
    // An ambiguous abbreviation fails here too: it names no one commit.
    const out = await runGit(["rev-parse", "--verify", "--quiet", "--end-of-options", `${sha}^{commit}`], {
      cwd: mirrorPath,
      timeoutMs: 30_000,
    });
    return /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(out) ? out : null;
  } catch (error) {
    if (error instanceof GitError) return null;
    throw error;
  }
}

async function isAncestor(mirrorPath: string, commit: string, tip: string): Promise<boolean> {
  try {
    await runGit(["merge-base", "--is-ancestor", commit, tip], { cwd: mirrorPath, timeoutMs: 30_000 });
    return true;
  } catch (error) {
    if (error instanceof GitError) return false;
    throw error;
  }
}

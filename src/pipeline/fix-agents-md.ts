import { rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { readFileAtRef } from "../workspace/read-file.js";

// Codex reads AGENTS.md from the checkout on its own. On a pull request's head that file is the author's,
// so it could carry instructions the maintainers never reviewed: the agent gets the default branch's
// AGENTS.md instead, and the file is put back before the diff is taken, so the swap is never committed.
const FILE = "AGENTS.md";

export async function useTrustedAgentsMd(mirrorPath: string, worktree: string, defaultBranch: string, baseSha: string): Promise<() => Promise<void>> {
  const trusted = await readFileAtRef(mirrorPath, `refs/heads/${defaultBranch}`, FILE);
  const original = await readFileAtRef(mirrorPath, baseSha, FILE);
  const target = path.join(worktree, FILE);
  if (trusted) await writeFile(target, trusted);
  else await rm(target, { force: true });
  return async () => {
    if (original) await writeFile(target, original);
    else await rm(target, { force: true });
  };
}

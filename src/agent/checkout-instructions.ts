// Codex takes instructions from the directory it works in: AGENTS.override.md, AGENTS.md and fallback names in
// every folder from the repository root down to its cwd, and skills under `.agents/skills/` and
// `.codex/skills/`, whose bodies a `$skill-name` anywhere in the prompt pulls in (even inside our fences). On a
// pull request all of those are the author's, so a fork could hand Codex top-priority instructions. Checked
// on codex 0.169 against the scripted model (test/security/agent-instructions.test.ts): with the flags below
// no project doc and no skill list reaches the model; the checkout's skill folders are moved out of the
// worktree while Codex runs, so no mention can load one; the only instructions left are the ones the bot
// writes into the job's own CODEX_HOME (the default branch's AGENTS.md, see pipeline/steps/trusted-instructions.ts).
import { promises as fs } from "node:fs";
import path from "node:path";

/** `-c` overrides for every codex run: no project docs from the checkout, no skill list, no bundled skills. */
export const NO_CHECKOUT_INSTRUCTIONS = [
  "-c",
  "project_doc_max_bytes=0",
  "-c",
  "project_doc_fallback_filenames=[]",
  "-c",
  "skills.include_instructions=false",
  "-c",
  "skills.bundled.enabled=false",
];

// Folders (at the worktree root, the only level Codex scans when its cwd is the root) that hold skills or
// agent configuration.
const MASKED = [".agents", ".codex"];
/**
 * For Claude Code also its settings folder (settings, hooks, skills, commands, agents) and `.mcp.json`. Its
 * flags already keep them unread (claude/claude-args.ts); moving them out is the second lock.
 */
export const CLAUDE_MASKED = [...MASKED, ".claude", ".mcp.json"];

export interface CheckoutMask {
  /** Puts the folders back; returns the masked names the agent created anew while it ran. */
  restore(): Promise<string[]>;
}

/**
 * Moves the checkout's skill and agent-config folders into `stashDir` (same file system: a rename) for the
 * duration of one run. The agent can still read them through git (`git show HEAD:.agents/…`): as data.
 */
export async function maskCheckoutInstructions(
  worktree: string,
  stashDir: string,
  names: readonly string[] = MASKED,
): Promise<CheckoutMask> {
  await fs.rm(stashDir, { recursive: true, force: true });
  await fs.mkdir(stashDir, { recursive: true, mode: 0o700 });
  const moved: string[] = [];
  for (const name of names) {
    const from = path.join(worktree, name);
    if (!(await fs.lstat(from).catch(() => null))) continue;
    await fs.rename(from, path.join(stashDir, name));
    moved.push(name);
  }
  let restored: Promise<string[]> | undefined;
  return {
    restore: () =>
      (restored ??= (async () => {
        const created: string[] = [];
        for (const name of names) {
          const at = path.join(worktree, name);
          // Whatever the agent put there is not the checkout's: it goes, and the caller hears of it.
          if (await fs.lstat(at).catch(() => null)) {
            // Claude Code's Bash sandbox guards `.claude/` settings by mounting over them, leaving empty placeholder
            // files behind: nothing anyone wrote. Anything with content is the agent's.
            if (!(await onlyEmptyFiles(at))) created.push(name);
            await fs.rm(at, { recursive: true, force: true });
          }
          if (moved.includes(name)) await fs.rename(path.join(stashDir, name), at);
        }
        await fs.rm(stashDir, { recursive: true, force: true });
        return created;
      })()),
  };
}

/** True for an empty file, or a folder holding only empty files and folders (no symlinks). */
async function onlyEmptyFiles(at: string): Promise<boolean> {
  const stat = await fs.lstat(at);
  if (stat.isFile()) return stat.size === 0;
  if (!stat.isDirectory()) return false;
  for (const entry of await fs.readdir(at)) if (!(await onlyEmptyFiles(path.join(at, entry)))) return false;
  return true;
}

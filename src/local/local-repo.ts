// What the prompts say about the user's repository, and the diff policy a local write run is held to.
import path from "node:path";
import { defaultRepoConfig } from "../config/repo-config.js";
import type { FixPolicy } from "../workspace/fix-diff-policy.js";
import { runGit } from "../workspace/git.js";

export interface LocalRepoFacts {
  /** The folder's name, in the characters a repository name may have: it goes into our own sentences. */
  name: string;
  /** The branch checked out, or the commit when HEAD is detached; fenced as data where the prompt shows it. */
  branch: string;
}

export async function localRepoFacts(repoRoot: string): Promise<LocalRepoFacts> {
  const branch = await runGit(["symbolic-ref", "--short", "-q", "HEAD"], { cwd: repoRoot, timeoutMs: 30_000 }).catch(() => "");
  const sha = branch ? "" : await runGit(["rev-parse", "HEAD"], { cwd: repoRoot, timeoutMs: 30_000 });
  return { name: repoName(repoRoot), branch: branch || sha };
}

export function repoName(dir: string): string {
  return (
    path
      .basename(path.resolve(dir))
      .replace(/[^A-Za-z0-9_.-]+/g, "-")
      .replace(/^[.-]+/, "")
      .slice(0, 100) || "repository"
  );
}

/** The App's defaults (config/repo-config.ts): the same limits a fix PR is held to, workflows never. */
export function localFixPolicy(): FixPolicy {
  const fix = defaultRepoConfig().fix;
  return {
    allowWorkflows: false,
    maxFiles: fix.max_files,
    maxLines: fix.max_lines,
    denyPaths: fix.deny_paths,
    maxFileBytes: fix.max_file_bytes,
    maxTotalBytes: fix.max_total_bytes,
  };
}

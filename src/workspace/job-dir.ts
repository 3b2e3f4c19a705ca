import { promises as fs } from "node:fs";
import { join, resolve } from "node:path";
import type { AgentIsolation } from "../agent/isolation.js";
import { JobId, parseOrThrow } from "./names.js";

export interface JobDir {
  /** `<root>/jobs/<jobId>` */
  dir: string;
  /** Where the worktree goes (created by `addWorktree`, not here). */
  repo: string;
  /** Full CI logs: outside the repository files so they are never committed, but the agent can grep them. */
  logs: string;
  /** The agent's CODEX_HOME: fresh per job so no config, history or trust leaks between jobs. */
  codexHome: string;
  /** The agent's HOME: not the bot's, so dotfiles and credentials of the bot's user stay out of reach. */
  home: string;
}

export function jobDirPaths(root: string, jobId: string): JobDir {
  const id = parseOrThrow(JobId, jobId, "job dir");
  const dir = join(resolve(root), "jobs", id);
  return { dir, repo: join(dir, "repo"), logs: join(dir, "logs"), codexHome: join(dir, "codex-home"), home: join(dir, "home") };
}

/**
 * Creates the per-job directories (private to the bot's user). A leftover directory of an earlier attempt of
 * the same job is deleted first: a retry starts clean (the next ensureMirror prunes its stale worktree).
 */
export async function createJobDir(root: string, jobId: string, isolation: AgentIsolation | null = null): Promise<JobDir> {
  const paths = jobDirPaths(root, jobId);
  await fs.mkdir(join(paths.dir, ".."), { recursive: true });
  await fs.rm(paths.dir, { recursive: true, force: true });
  await fs.mkdir(paths.dir, { mode: 0o700 });
  for (const sub of [paths.logs, paths.codexHome, paths.home]) await fs.mkdir(sub, { mode: 0o700 });
  // An agent under its own uid may pass through jobs/ to its own dir, but never list the other jobs.
  await isolation?.protectJobParents(paths.dir);
  return paths;
}

/** Deletes the job directory. Remove the worktree first (Worktree.remove) so the mirror forgets it at once. */
export async function removeJobDir(root: string, jobId: string): Promise<void> {
  await fs.rm(jobDirPaths(root, jobId).dir, { recursive: true, force: true });
}

import { promises as fs } from "node:fs";
import path from "node:path";
import type { AgentIsolation } from "../agent/isolation.js";
import { jobDirPaths, workspaceLayout, type JobDir } from "./layout.js";

export { jobDirPaths, type JobDir } from "./layout.js";

/**
 * Creates the per-job directories (private to the bot's user). A leftover directory of an earlier attempt of
 * the same job is deleted first: a retry starts clean (the next ensureMirror prunes its stale worktree).
 */
export async function createJobDir(root: string, jobId: string, isolation: AgentIsolation | null = null): Promise<JobDir> {
  const paths = jobDirPaths(root, jobId);
  const { root: top, jobs } = workspaceLayout(path.resolve(root));
  await fs.mkdir(jobs, { recursive: true });
  await fs.rm(paths.dir, { recursive: true, force: true });
  await fs.mkdir(paths.dir, { mode: 0o700 });
  for (const sub of [paths.logs, paths.codexHome, paths.home]) await fs.mkdir(sub, { mode: 0o700 });
  // An agent under its own uid may pass through jobs/ to its own dir, but never list the other jobs.
  await isolation?.traverseOnly([top, jobs]);
  return paths;
}

/** Deletes the job directory. Remove the worktree first (Worktree.remove) so the mirror forgets it at once. */
export async function removeJobDir(root: string, jobId: string): Promise<void> {
  await fs.rm(jobDirPaths(root, jobId).dir, { recursive: true, force: true });
}

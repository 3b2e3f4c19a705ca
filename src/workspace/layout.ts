// Where things live under WORKSPACE_DIR. This is the one place that names the workspace's folders: other parts
// (agent isolation among them) receive the paths made here and never build them themselves.
//
//   <root>/jobs/<jobId>/{repo,logs,codex-home,home}   one job's files, deleted when the job ends
//   <root>/mirrors/<owner>/<name>.git                  one bare mirror per repository, kept between jobs
//   <root>/spares/<owner>/<name>.git/<token>           clean checkouts made by the bot for the next job (spare-checkout.ts)
import { promises as fs } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { JobId, parseOrThrow, RepoFullName } from "./names.js";

export interface WorkspaceLayout {
  root: string;
  /** Holds one directory per job. */
  jobs: string;
  /** Holds one directory per repository owner, each holding that owner's mirrors. */
  mirrors: string;
}

export function workspaceLayout(root: string): WorkspaceLayout {
  return { root, jobs: join(root, "jobs"), mirrors: join(root, "mirrors") };
}

/** What the workspace asks of agent isolation for its folders (AgentIsolation fits; null when the agent runs as the bot). */
export interface FolderGuard {
  /** Lets other users pass through `dirs` without listing them (0711). */
  traverseOnly(dirs: string[]): Promise<void>;
}

/**
 * At start: with agents under their own uids, the workspace and its top folders are made traversable but not
 * listable, so an agent reaches its own job and mirror by path yet never learns which others exist. Done here
 * and not first at a job's checkout: an agent run without a checkout must not list the mirrors either.
 */
export async function prepareWorkspace(root: string, guard: FolderGuard | null): Promise<void> {
  if (!guard) return;
  const layout = workspaceLayout(root);
  for (const dir of [layout.root, layout.jobs, layout.mirrors]) await fs.mkdir(dir, { recursive: true });
  await guard.traverseOnly([layout.root, layout.jobs, layout.mirrors]);
}

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
  const dir = join(workspaceLayout(resolve(root)).jobs, id);
  return { dir, repo: join(dir, "repo"), logs: join(dir, "logs"), codexHome: join(dir, "codex-home"), home: join(dir, "home") };
}

export function mirrorPathFor(root: string, repoFullName: string): string {
  const { owner, name } = parseOrThrow(RepoFullName, repoFullName, "ensureMirror");
  return join(workspaceLayout(root).mirrors, owner, `${name}.git`);
}

/**
 * Where the spare checkouts of a mirror's repository wait (see spare-checkout.ts), with the folder that holds every
 * repository's spares: the bot's alone (0700), never listed or entered by an agent.
 */
export function sparesDirFor(mirrorPath: string): { top: string; dir: string } {
  const mirror = describeMirror(mirrorPath);
  const mirrorsDir = mirror.parents[1] ?? dirname(dirname(mirror.path));
  const top = join(dirname(mirrorsDir), "spares");
  return { top, dir: join(top, mirror.name) };
}

/** A mirror as agent isolation needs to see it: its path, a stable name, and its neighbours (see describeMirror). */
export interface MirrorDescription {
  path: string;
  /** `<owner>/<name>.git`, the same for the same repository in every process and after restarts. */
  name: string;
  /** The folders above the mirror up to the workspace: `mirrors/<owner>` and `mirrors`. */
  parents: string[];
  /** Every mirror of the workspace, this one included. */
  listAll(): Promise<string[]>;
}

/** The inverse of mirrorPathFor: what a mirror path says about its place in the workspace. */
export function describeMirror(mirrorPath: string): MirrorDescription {
  const path = resolve(mirrorPath);
  const ownerDir = dirname(path);
  const mirrorsDir = dirname(ownerDir);
  return { path, name: relative(mirrorsDir, path), parents: [ownerDir, mirrorsDir], listAll: () => listMirrors(mirrorsDir) };
}

// Only `<owner>/<name>.git` directories count: a half-made mirror (`<name>.git.init-…`, see mirror.ts) does not.
async function listMirrors(mirrorsDir: string): Promise<string[]> {
  const found: string[] = [];
  for (const owner of await fs.readdir(mirrorsDir, { withFileTypes: true })) {
    if (!owner.isDirectory()) continue;
    for (const repo of await fs.readdir(join(mirrorsDir, owner.name), { withFileTypes: true })) {
      if (repo.isDirectory() && repo.name.endsWith(".git")) found.push(join(mirrorsDir, owner.name, repo.name));
    }
  }
  return found;
}

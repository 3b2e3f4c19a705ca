import { promises as fs } from "node:fs";
import { join } from "node:path";
import type { AgentIsolation } from "../agent/isolation.js";
import { gitAuthEnv } from "./auth.js";
import { GitError, runGit } from "./git.js";
import { withMirrorLock } from "./mirror-lock.js";
import { describeMirror, mirrorPathFor } from "./layout.js";
import { parseOrThrow, Sha } from "./names.js";
import { pruneWorktrees } from "./worktree-prune.js";

export { mirrorPathFor } from "./layout.js";

export interface EnsureMirrorOptions {
  /** The workspace directory (WORKSPACE_DIR). */
  root: string;
  repoFullName: string;
  /** `repository.clone_url` from the payload; in tests a local path or file:// URL. */
  cloneUrl: string;
  /** Installation token; sent as a header through the environment only. */
  token?: string;
  /** Commits that must be present when this returns (the failing sha, a PR head, a base). */
  want: string[];
  timeoutMs?: number;
  /** Agents' own uids: the mirror gets its repository's group. */
  isolation?: AgentIsolation | null;
}

export class MissingCommitError extends Error {
  constructor(
    readonly repoFullName: string,
    readonly shas: string[],
  ) {
    super(`${repoFullName}: commit${shas.length > 1 ? "s" : ""} ${shas.join(", ")} not found on the remote (force-pushed away?)`);
    this.name = "MissingCommitError";
  }
}

// PR heads live under refs/pull/N/head on GitHub. A glob refspec that matches nothing is not an error, so
// servers without pull refs (a plain bare repository) are fine.
const REFSPECS = ["+refs/heads/*:refs/heads/*", "+refs/pull/*/head:refs/pull/*/head"];

// Settings of every mirror. No hooks ever run (the template is empty and hooksPath points nowhere); gc runs
// in the foreground, inside our lock, instead of detaching into the background where it would race the next
// fetch; no reflogs to grow forever.
const MIRROR_CONFIG: [string, string][] = [
  ["core.hooksPath", "/dev/null"],
  ["gc.autoDetach", "false"],
  ["core.logAllRefUpdates", "false"],
  ["fetch.prune", "false"],
];

async function exists(path: string): Promise<boolean> {
  return fs.access(path).then(
    () => true,
    () => false,
  );
}

// Init happens in a temporary directory and is renamed into place, so a crash never leaves a half-made
// mirror at the real path.
async function initMirror(path: string): Promise<void> {
  const tmp = `${path}.init-${process.pid}-${Date.now()}`;
  await fs.rm(tmp, { recursive: true, force: true });
  await runGit(["init", "--bare", "--quiet", "--template=", tmp], { cwd: "/" });
  for (const [key, value] of MIRROR_CONFIG) await runGit(["config", key, value], { cwd: tmp });
  await fs.rm(path, { recursive: true, force: true });
  await fs.rename(tmp, path);
}

async function missing(path: string, shas: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const sha of shas) {
    try {
      await runGit(["cat-file", "-e", `${sha}^{commit}`], { cwd: path });
    } catch (error) {
      if (!(error instanceof GitError)) throw error;
      out.push(sha);
    }
  }
  return out;
}

/** Creates or refreshes the cached bare mirror of a repository and returns its path. */
export async function ensureMirror(opts: EnsureMirrorOptions): Promise<string> {
  const path = mirrorPathFor(opts.root, opts.repoFullName);
  const want = opts.want.map((s) => parseOrThrow(Sha, s, "ensureMirror want"));
  if (typeof opts.cloneUrl !== "string" || opts.cloneUrl.length === 0 || opts.cloneUrl.startsWith("-")) {
    throw new Error("ensureMirror: cloneUrl must be a URL or path (not starting with '-')");
  }
  // Scoped to the clone URL's origin, so a redirect or another URL never receives the header.
  const scope = /^https?:\/\//i.test(opts.cloneUrl) ? opts.cloneUrl : undefined;
  const env = opts.token ? gitAuthEnv(opts.token, scope) : undefined;
  const git = (args: string[]) => runGit(args, { cwd: path, env, timeoutMs: opts.timeoutMs ?? 15 * 60_000 });
  await fs.mkdir(join(path, ".."), { recursive: true });

  return withMirrorLock(path, async () => {
    if (!(await exists(join(path, "HEAD")))) await initMirror(path);
    // Worktrees whose job directory was deleted without remove() would otherwise pin their sha forever.
    await pruneWorktrees(path);
    // The URL is given on the command line, never stored as a remote, and FETCH_HEAD is not written: nothing
    // about the remote (or a credential someone put into a URL) lands in the mirror's files.
    await git(["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--prune", "--", opts.cloneUrl, ...REFSPECS]);
    let absent = await missing(path, want);
    if (absent.length > 0) {
      // A sha no branch points to any more (force-pushed, or a merge ref): GitHub serves reachable commits by
      // sha. Failure here is reported below as MissingCommitError, with a clearer message than git's.
      await git(["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--", opts.cloneUrl, ...absent]).catch((error: unknown) => {
        if (!(error instanceof GitError)) throw error;
      });
      absent = await missing(path, absent);
      if (absent.length > 0) throw new MissingCommitError(opts.repoFullName, absent);
    }
    // Agents run under their own uids: this repository's agents read the mirror through its group, and
    // another repository's agent is stopped at its door.
    if (opts.isolation) {
      const mirror = describeMirror(path);
      await opts.isolation.protectMirror(mirror);
      // Above the mirror: agents pass through to their own repository but never list the others.
      await opts.isolation.traverseOnly(mirror.parents);
    }
    return path;
  });
}

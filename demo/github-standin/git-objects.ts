// Reading and writing git objects in a stand-in repository's bare git directory, as the Git Data API routes
// (routes-git.ts, routes-git-refs.ts) need them, and the JSON GitHub answers for commits and refs.
import { repoApi, repoHtml, type StandInCore } from "./core.js";
import { git } from "./git-store.js";
import { HttpError } from "./http-kit.js";
import type { Json, RepoRecord } from "./state.js";

export const SHA = /^[0-9a-f]{40}$/;

export interface Entry {
  mode: string;
  type: string;
  sha: string;
}

/** Refuses what GitHub refuses in a tree: absolute, empty or dot segments, and `.git`. */
export function checkPath(path: string): void {
  if (
    !path ||
    path.startsWith("/") ||
    path.endsWith("/") ||
    path.split("/").some((s) => s === "" || s === "." || s === ".." || s === ".git")
  ) {
    throw new HttpError(422, `GitRPC::BadObjectState: invalid path ${JSON.stringify(path)}`);
  }
}

/** Writes the nested trees for a flat path → entry map, bottom-up with `git mktree`; returns the root sha. */
export async function writeTree(dir: string, flat: Map<string, Entry>, prefix = ""): Promise<string> {
  const lines: string[] = [];
  const subdirs = new Set<string>();
  for (const [path, entry] of flat) {
    if (!path.startsWith(prefix)) continue;
    const rest = path.slice(prefix.length);
    const slash = rest.indexOf("/");
    if (slash === -1) lines.push(`${entry.mode} ${entry.type} ${entry.sha}\t${rest}`);
    else subdirs.add(rest.slice(0, slash));
  }
  for (const name of subdirs) lines.push(`040000 tree ${await writeTree(dir, flat, `${prefix}${name}/`)}\t${name}`);
  return (await git(dir, ["mktree", "-z"], lines.map((l) => `${l}\0`).join(""))).trim();
}

/** The entries of a tree, recursively, as flat paths (under `prefix`). */
export async function listTree(dir: string, treeish: string, prefix = ""): Promise<[string, Entry][]> {
  const out = await git(dir, ["ls-tree", "-r", "-z", "--full-tree", treeish]);
  return out
    .split("\0")
    .filter(Boolean)
    .map((line) => {
      const [meta, path] = [line.slice(0, line.indexOf("\t")), line.slice(line.indexOf("\t") + 1)];
      const [mode, type, sha] = meta.split(" ");
      return [`${prefix}${path}`, { mode, type, sha }];
    });
}

/** A commit as the Git Data API answers it, read from the bare repository. */
export async function readCommit(core: StandInCore, record: RepoRecord, dir: string, sha: string): Promise<Json> {
  const raw = await git(dir, ["show", "-s", "--format=%T%n%P%n%an%n%ae%n%aI%n%cn%n%ce%n%cI%n%B", sha]);
  const [tree, parents, an, ae, ad, cn, ce, cd, ...message] = raw.split("\n");
  const api = repoApi(core, record);
  const known = core.state.commits.find((c) => c.sha === sha);
  return {
    sha,
    node_id: `C_${sha.slice(0, 12)}`,
    url: `${api}/git/commits/${sha}`,
    html_url: `${repoHtml(core, record)}/commit/${sha}`,
    author: { name: an, email: ae, date: ad },
    committer: { name: cn, email: ce, date: cd },
    tree: { sha: tree, url: `${api}/git/trees/${tree}` },
    message: message.join("\n").replace(/\n+$/, ""),
    parents: parents
      .split(" ")
      .filter(Boolean)
      .map((p) => ({ sha: p, url: `${api}/git/commits/${p}`, html_url: `${repoHtml(core, record)}/commit/${p}` })),
    verification: known?.verification ?? { verified: false, reason: "unsigned", signature: null, payload: null },
  };
}

export function refBody(core: StandInCore, record: RepoRecord, ref: string, sha: string): Json {
  const api = repoApi(core, record);
  return { ref, node_id: `REF_${ref}`, url: `${api}/git/${ref}`, object: { sha, type: "commit", url: `${api}/git/commits/${sha}` } };
}

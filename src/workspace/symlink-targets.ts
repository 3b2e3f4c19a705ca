import { posix } from "node:path";
import type { Change } from "./diff.js";

// Where a symlink the agent added points, resolved by path the way the filesystem would: relative to the
// link's folder, through the other symlinks of the same diff (`a -> b/x`, `b -> .github`). Symlinks that
// already exist in the base tree are the maintainers' and are not followed.

export type SymlinkResolution =
  | { kind: "inside"; /** Every path met on the way, the final one last; "." is the repository root. */ paths: string[] }
  | { kind: "escapes" }
  | { kind: "unresolvable" };

const MAX_HOPS = 40; // Linux's own limit on symlinks in one lookup.

function leaves(path: string): boolean {
  const p = path.toLowerCase();
  return p === ".." || p.startsWith("../") || p === ".git" || p.startsWith(".git/");
}

function badTarget(target: string | undefined): boolean {
  return target === undefined || target === "" || target.includes("\0") || posix.isAbsolute(target);
}

/** The targets of the diff's own symlinks, keyed case-insensitively (the checkout may be). */
export function symlinkMap(changes: readonly Change[]): Map<string, string | undefined> {
  const links = new Map<string, string | undefined>();
  for (const c of changes) {
    if (c.mode === "120000" && c.status !== "deleted") links.set(posix.normalize(c.path).toLowerCase(), c.symlinkTarget);
  }
  return links;
}

export function resolveSymlink(linkPath: string, target: string | undefined, links: Map<string, string | undefined>): SymlinkResolution {
  if (badTarget(target)) return { kind: "escapes" };
  let current = posix.normalize(posix.join(posix.dirname(linkPath), target as string));
  const paths = [current];
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    if (leaves(current)) return { kind: "escapes" };
    const segs = current.split("/");
    let next: string | undefined;
    for (let i = 1; i <= segs.length && next === undefined; i++) {
      const prefix = segs.slice(0, i).join("/");
      if (!links.has(prefix.toLowerCase())) continue;
      const t = links.get(prefix.toLowerCase());
      if (badTarget(t)) return { kind: "escapes" };
      next = posix.normalize(posix.join(posix.dirname(prefix), t as string, ...segs.slice(i)));
    }
    if (next === undefined) return { kind: "inside", paths };
    current = next;
    paths.push(current);
  }
  return { kind: "unresolvable" };
}

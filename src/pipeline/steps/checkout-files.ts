import { lstatSync, readFileSync } from "node:fs";
import path from "node:path";
import { isSafeRepoPath } from "../../text-safety/links.js";

export interface CheckoutFiles {
  /** A regular file inside the checkout (no symlink, no `..`): the model may invent paths. */
  exists(p: string): boolean;
  /** Whether the file has that line; a link to a line past the end would point nowhere. */
  hasLine(p: string, line: number): boolean;
}

/** What the agent's answer may link to: files that really are in the worktree it read. */
export function checkoutFiles(root: string): CheckoutFiles {
  const lineCounts = new Map<string, number>();
  const exists = (p: string): boolean => {
    if (!isSafeRepoPath(p)) return false;
    try {
      return lstatSync(path.join(root, p)).isFile();
    } catch {
      return false;
    }
  };
  const lineCount = (p: string): number => {
    let n = lineCounts.get(p);
    if (n === undefined) {
      const text = readFileSync(path.join(root, p), "utf8");
      n = text === "" ? 0 : text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
      lineCounts.set(p, n);
    }
    return n;
  };
  return { exists, hasLine: (p, line) => exists(p) && line >= 1 && line <= lineCount(p) };
}

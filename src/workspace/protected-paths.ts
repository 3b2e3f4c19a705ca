import { posix } from "node:path";
import { matchesGlob } from "./glob.js";

// Paths whose change could widen what runs with privileges or who reviews: CI definitions and the actions
// they run, ownership, git's own configuration, hooks and hook managers (which run programs on people's
// machines), and the instructions and configuration of coding agents (which steer the next agent run).
//
// A rule covers a FOLDER and everything in it, including the folder's own path: an agent that replaces
// `.github/workflows` by a symlink or a file changes the folder itself, not a path below it.
// Folders and globs without '/' apply at any depth; with '/' they are anchored at the repository root.
// Matching is case-insensitive (see glob.ts) and done on a canonical form of the path (see canonicalPath).

export type ProtectedRule = "workflow" | "codeowners" | "agent-config" | "git-internals" | "git-config" | "hooks" | "submodule";

interface RuleDef {
  rule: ProtectedRule;
  why: string;
  folders?: string[];
  files?: string[];
}

export const PROTECTED_RULES: readonly RuleDef[] = [
  {
    rule: "workflow",
    why: "workflows and the actions they run need the workflows permission and allowWorkflows",
    folders: [".github/workflows", ".github/actions"],
    // A workflow can run a local action from any folder (`uses: ./tools/x`): its definition is this file.
    files: ["action.yml", "action.yaml"],
  },
  { rule: "codeowners", why: "CODEOWNERS decides who must review; the bot never changes it", files: ["CODEOWNERS"] },
  {
    rule: "agent-config",
    why: "agent instructions and configuration steer the next agent run; the bot never changes them",
    folders: [".codex", ".agents", ".claude", ".gemini", ".cursor", ".github/instructions"],
    files: ["AGENTS*.md", "CLAUDE*.md", "GEMINI.md", ".mcp.json", ".cursorrules", ".windsurfrules", ".github/copilot-instructions.md"],
  },
  { rule: "git-internals", why: "git's own files are not repository content", folders: [".git"] },
  {
    rule: "git-config",
    why: ".gitattributes and .lfsconfig can make git run programs or talk to other servers on people's machines",
    files: [".gitattributes", ".lfsconfig"],
  },
  { rule: "submodule", why: ".gitmodules decides which nested repositories people clone", files: [".gitmodules"] },
  {
    rule: "hooks",
    why: "git hooks and hook managers run programs on people's machines",
    folders: [".husky", ".githooks", ".lefthook", ".lefthook-local"],
    files: [
      ".pre-commit-config.yaml",
      ".pre-commit-config.yml",
      ".pre-commit-hooks.yaml",
      "lefthook.*",
      ".lefthook.*",
      "lefthook-local.*",
      ".lefthook-local.*",
      "simple-git-hooks.*",
      ".simple-git-hooks.*",
      ".overcommit.yml",
    ],
  },
];

// Characters that HFS+ ignores in names (git's own list in utf8.c, plus their neighbours): `.git\u200chub`
// is `.github` on a Mac. Removed before matching, never from the path that is committed.
const IGNORABLE = /[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]/g;

/**
 * The path as a case-insensitive, lenient filesystem would see it: `./` and duplicate slashes resolved,
 * ignorable characters removed, trailing dots and spaces of each name dropped (Windows drops them).
 */
export function canonicalPath(path: string): string {
  const cleaned = posix.normalize(path.normalize("NFC").replace(IGNORABLE, "").replace(/^\/+/, ""));
  return cleaned
    .split("/")
    .map((seg) => (seg === "." || seg === ".." ? seg : seg.replace(/[. ]+$/, "") || seg))
    .join("/")
    .replace(/\/+$/, "");
}

function folderGlobs(folder: string): string[] {
  return folder.includes("/") ? [folder, `${folder}/**`] : [folder, `**/${folder}/**`];
}

const COMPILED = PROTECTED_RULES.map((r) => ({
  rule: r.rule,
  why: r.why,
  globs: [...(r.folders ?? []).flatMap(folderGlobs), ...(r.files ?? [])],
}));

// Root-anchored entries, for the question "could something below this path be protected?".
const ANCHORED = PROTECTED_RULES.flatMap((r) =>
  [...(r.folders ?? []), ...(r.files ?? [])]
    .filter((p) => p.includes("/"))
    .map((p) => ({ rule: r.rule, why: r.why, path: p.toLowerCase() })),
);

export interface ProtectedHit {
  rule: ProtectedRule;
  why: string;
}

/** The rules that protect this path itself (or a folder it lies in). */
export function protectedBy(path: string): ProtectedHit[] {
  const candidates = [...new Set([path, canonicalPath(path)])];
  return COMPILED.filter((r) => candidates.some((p) => r.globs.some((g) => matchesGlob(p, g)))).map(({ rule, why }) => ({ rule, why }));
}

/**
 * The rules protecting something BELOW this path (the repository root holds everything): a symlink at such a
 * path, or one that resolves to it, would stand in for a protected folder, e.g. `.github -> evil` would make
 * `evil/workflows` the workflows folder.
 */
export function protectedBelow(path: string): ProtectedHit[] {
  const p = canonicalPath(path).toLowerCase();
  const root = p === "" || p === ".";
  const hits = ANCHORED.filter((a) => root || a.path.startsWith(`${p}/`));
  const seen = new Set<string>();
  return hits.filter((h) => !seen.has(h.rule) && seen.add(h.rule)).map(({ rule, why }) => ({ rule, why }));
}

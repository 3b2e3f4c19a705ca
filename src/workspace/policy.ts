import { posix } from "node:path";
import { z } from "zod";
import type { Change } from "./diff.js";
import { matchesGlob } from "./glob.js";
import { canonicalPath, protectedBelow, protectedBy, type ProtectedRule } from "./protected-paths.js";
import { scanForSecrets } from "./secret-scan.js";
import { DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_TOTAL_BYTES, FILE_BYTES_CEILING, formatBytes, TOTAL_BYTES_CEILING } from "./size-limits.js";
import { resolveSymlink, symlinkMap } from "./symlink-targets.js";

// The bot commits what the agent changed only if the diff passes these rules. They are deliberately
// conservative: a refused fix costs a person a look; an accepted malicious one costs the repository.
// Which paths are protected, and why, is in protected-paths.ts.

export const DiffPolicy = z
  .object({
    /** Only when the App holds `workflows: write` and the repository opted in. */
    allowWorkflows: z.boolean().default(false),
    maxFiles: z.number().int().positive().default(20),
    /** Added plus removed lines over all files. */
    maxLines: z.number().int().positive().default(500),
    /** Extra globs from the repository config (see glob.ts for the syntax). */
    denyPaths: z.array(z.string().min(1)).default([]),
    /** New content of one added, modified or renamed file: a 40 MB file of one line is one line, not small. */
    maxFileBytes: z.number().int().positive().max(FILE_BYTES_CEILING).default(DEFAULT_MAX_FILE_BYTES),
    /** New content of all files together. */
    maxTotalBytes: z.number().int().positive().max(TOTAL_BYTES_CEILING).default(DEFAULT_MAX_TOTAL_BYTES),
  })
  .strict();
export type DiffPolicyInput = z.input<typeof DiffPolicy>;

export type PolicyRule =
  | "empty"
  | ProtectedRule
  | "deny-path"
  // Outside a maintenance task's `paths` (checked in pipeline/fix/diff-check.ts).
  | "outside-paths"
  | "symlink-escape"
  | "binary"
  | "lockfile-only"
  | "too-many-files"
  | "too-many-lines"
  | "too-large-file"
  | "too-many-bytes"
  | "secret";

export interface Violation {
  path: string;
  rule: PolicyRule;
  message: string;
}

export interface PolicyResult {
  ok: boolean;
  /** The agent changed nothing: not a violation, but nothing to commit either. */
  empty: boolean;
  violations: Violation[];
  /** One line for people: why this diff can or cannot be committed. */
  message: string;
}

const LOCKFILES = new Set([
  "package-lock.json",
  "npm-shrinkwrap.json",
  "yarn.lock",
  "pnpm-lock.yaml",
  "Cargo.lock",
  "poetry.lock",
  "Gemfile.lock",
  "go.sum",
  "composer.lock",
]);

function pathsOf(change: Change): string[] {
  return change.oldPath !== undefined && change.oldPath !== change.path ? [change.path, change.oldPath] : [change.path];
}

interface Hit {
  rule: PolicyRule;
  why: string;
}

/** Decides whether the bot may commit these changes. Pure: no I/O. */
export function checkDiffPolicy(changes: Change[], policyInput: DiffPolicyInput = {}): PolicyResult {
  const parsed = DiffPolicy.safeParse(policyInput);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`checkDiffPolicy: invalid policy at ${issue?.path.join(".") || "(root)"}: ${issue?.message}`);
  }
  const policy = parsed.data;
  if (changes.length === 0) {
    return { ok: false, empty: true, violations: [], message: "The agent changed no files: there is nothing to commit." };
  }

  const violations: Violation[] = [];
  const seen = new Set<string>();
  // One violation per path and rule: a path can break a rule in several ways (itself, through a symlink).
  const add = (path: string, rule: PolicyRule, message: string) => {
    const key = `${rule}\0${path}`;
    if (seen.has(key)) return;
    seen.add(key);
    violations.push({ path, rule, message });
  };
  const allowed = (hit: Hit) => !(policy.allowWorkflows && hit.rule === "workflow");
  // The protected paths and the repository's own denied ones: what may not be changed, nor linked to.
  const rulesFor = (path: string): Hit[] => {
    const hits: Hit[] = protectedBy(path);
    const denied = policy.denyPaths.find((g) => matchesGlob(path, g) || matchesGlob(canonicalPath(path), g));
    if (denied) hits.push({ rule: "deny-path", why: `the repository config denies ${denied}` });
    return hits.filter(allowed);
  };
  const links = symlinkMap(changes);

  // A symlink is refused when it leaves the repository, when it stands where a protected folder's parent is
  // (`.github -> evil` makes `evil/workflows` the workflows), or when it resolves into or above a protected
  // path. Its target is file content the agent chose: never quoted.
  const checkSymlink = (change: Change) => {
    const here = change.path;
    for (const hit of protectedBelow(here).filter(allowed)) {
      add(here, hit.rule, `a symlink here would stand in for a protected folder: ${hit.why}`);
    }
    const resolved = resolveSymlink(here, change.symlinkTarget, links);
    if (resolved.kind === "escapes") return add(here, "symlink-escape", "the symlink points outside the repository");
    if (resolved.kind === "unresolvable") return add(here, "symlink-escape", "the symlink does not resolve (a loop or too many links)");
    for (const target of resolved.paths) {
      for (const hit of [...rulesFor(target), ...protectedBelow(target).filter(allowed)]) {
        add(here, hit.rule, `the symlink points into a protected path: ${hit.why}`);
      }
    }
  };

  let totalBytes = 0;
  for (const change of changes) {
    for (const path of pathsOf(change)) {
      for (const hit of rulesFor(path)) add(path, hit.rule, hit.why);
    }
    // In every status: adding, moving, retargeting or removing a nested repository is not a code change.
    if (change.mode === "160000" || change.oldMode === "160000") {
      add(change.path, "submodule", "a nested repository (gitlink) cannot be committed by the bot");
    }
    if (change.mode === "120000" && change.status !== "deleted") checkSymlink(change);
    if (change.isBinary && change.status !== "deleted") add(change.path, "binary", "binary files are not accepted");
    if (change.status !== "deleted" && change.mode !== "160000") {
      const size = change.size ?? change.content?.length ?? 0;
      totalBytes += size;
      if (size > policy.maxFileBytes) {
        add(
          change.path,
          "too-large-file",
          `the new file is ${formatBytes(size)}, the limit is ${formatBytes(policy.maxFileBytes)} per file`,
        );
      }
    }
    for (const finding of scanForSecrets(change.addedLines)) {
      // Never quote the line: this message may be posted on GitHub.
      add(change.path, "secret", `added line ${finding.line + 1} looks like a secret (${finding.kind})`);
    }
  }

  if (changes.every((c) => LOCKFILES.has(posix.basename(c.path)))) {
    add(changes.map((c) => c.path).join(", "), "lockfile-only", "only lockfiles changed: churn without a source change");
  }
  if (changes.length > policy.maxFiles) {
    add("", "too-many-files", `${changes.length} files changed, the limit is ${policy.maxFiles}`);
  }
  const lines = changes.reduce((n, c) => n + c.added + c.removed, 0);
  if (lines > policy.maxLines) add("", "too-many-lines", `${lines} lines changed, the limit is ${policy.maxLines}`);
  if (totalBytes > policy.maxTotalBytes) {
    add("", "too-many-bytes", `the new content is ${formatBytes(totalBytes)} in all, the limit is ${formatBytes(policy.maxTotalBytes)}`);
  }

  const ok = violations.length === 0;
  const message = ok
    ? `${changes.length} file(s), ${lines} line(s) changed; the diff passes the policy.`
    : `The diff breaks ${violations.length} rule(s): ${[...new Set(violations.map((v) => v.rule))].join(", ")}.`;
  return { ok, empty: false, violations, message };
}

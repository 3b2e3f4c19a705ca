import { posix } from "node:path";
import { z } from "zod";
import type { Change } from "./diff.js";
import { matchesGlob } from "./glob.js";
import { scanForSecrets } from "./secret-scan.js";

// The bot commits what the agent changed only if the diff passes these rules. They are deliberately
// conservative: a refused fix costs a person a look; an accepted malicious one costs the repository.

export const DiffPolicy = z
  .object({
    /** Only when the App holds `workflows: write` and the repository opted in. */
    allowWorkflows: z.boolean().default(false),
    maxFiles: z.number().int().positive().default(20),
    /** Added plus removed lines over all files. */
    maxLines: z.number().int().positive().default(500),
    /** Extra globs from the repository config (see glob.ts for the syntax). */
    denyPaths: z.array(z.string().min(1)).default([]),
  })
  .strict();
export type DiffPolicyInput = z.input<typeof DiffPolicy>;

export type PolicyRule =
  | "empty"
  | "workflow"
  | "codeowners"
  | "agent-config"
  | "git-internals"
  | "hooks"
  | "deny-path"
  | "symlink-escape"
  | "submodule"
  | "binary"
  | "lockfile-only"
  | "too-many-files"
  | "too-many-lines"
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

// Paths whose change could widen what runs with privileges or who reviews: CI definitions, ownership, the
// agent's own configuration and git hooks (which run on a maintainer's machine at the next commit).
const PATH_RULES: { rule: PolicyRule; globs: string[]; why: string }[] = [
  { rule: "codeowners", globs: ["CODEOWNERS"], why: "CODEOWNERS decides who must review; the bot never changes it" },
  { rule: "agent-config", globs: ["**/.codex/**"], why: ".codex/ configures the agent itself" },
  { rule: "git-internals", globs: ["**/.git/**", "**/.git"], why: "git's own files are not repository content" },
  { rule: "hooks", globs: ["**/.husky/**", "**/.githooks/**"], why: "git hooks run on people's machines" },
];
const WORKFLOW_GLOB = ".github/workflows/**";

function pathsOf(change: Change): string[] {
  return change.oldPath !== undefined && change.oldPath !== change.path ? [change.path, change.oldPath] : [change.path];
}

function symlinkEscapes(change: Change): boolean {
  const target = change.symlinkTarget;
  if (target === undefined || target === "" || target.includes("\0")) return true;
  if (posix.isAbsolute(target)) return true;
  const resolved = posix.normalize(posix.join(posix.dirname(change.path), target));
  return resolved === ".." || resolved.startsWith("../") || resolved === ".git" || resolved.startsWith(".git/");
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
  const add = (path: string, rule: PolicyRule, message: string) => violations.push({ path, rule, message });

  for (const change of changes) {
    for (const path of pathsOf(change)) {
      if (!policy.allowWorkflows && matchesGlob(path, WORKFLOW_GLOB)) {
        add(path, "workflow", "changes to .github/workflows/ need the workflows permission and allowWorkflows");
      }
      for (const { rule, globs, why } of PATH_RULES) {
        if (globs.some((g) => matchesGlob(path, g))) add(path, rule, why);
      }
      const denied = policy.denyPaths.find((g) => matchesGlob(path, g));
      if (denied) add(path, "deny-path", `the repository config denies ${denied}`);
    }
    if (change.mode === "120000" && change.status !== "deleted" && symlinkEscapes(change)) {
      add(change.path, "symlink-escape", `symlink to ${JSON.stringify(change.symlinkTarget ?? "")} leaves the repository`);
    }
    if (change.mode === "160000" && change.status !== "deleted") {
      add(change.path, "submodule", "a nested repository (gitlink) cannot be committed by the bot");
    }
    if (change.isBinary && change.status !== "deleted") add(change.path, "binary", "binary files are not accepted");
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

  const ok = violations.length === 0;
  const message = ok
    ? `${changes.length} file(s), ${lines} line(s) changed; the diff passes the policy.`
    : `The diff breaks ${violations.length} rule(s): ${[...new Set(violations.map((v) => v.rule))].join(", ")}.`;
  return { ok, empty: false, violations, message };
}

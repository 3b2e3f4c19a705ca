import { canWriteWorkflows } from "../../github/installation-token.js";
import type { GitHubClient } from "../../github/client.js";
import type { RepoConfig } from "../../config/repo-config.js";
import { codeLine } from "../../text-safety/inline.js";
import { sanitizeMarkdownLine } from "../../text-safety/markdown.js";
import { matchesGlob } from "../../workspace/glob.js";
import { checkDiffPolicy, type PolicyResult, type Violation } from "../../workspace/policy.js";
import type { Change } from "../../workspace/diff.js";

export type FixPolicy = Awaited<ReturnType<typeof fixPolicy>>;

/** The diff policy of this repository's fixes; the agent's prompt states the same limits. */
export async function fixPolicy(gh: GitHubClient, config: RepoConfig) {
  // Workflow files only when the repository allows them AND the App may push them.
  const allowWorkflows = config.fix.allow_workflows && (await canWriteWorkflows(gh));
  return {
    allowWorkflows,
    maxFiles: config.fix.max_files,
    maxLines: config.fix.max_lines,
    denyPaths: config.fix.deny_paths,
    maxFileBytes: config.fix.max_file_bytes,
    maxTotalBytes: config.fix.max_total_bytes,
  };
}

/**
 * The policy's verdict on the diff in the worktree (the truth, never the agent's message). `onlyPaths` (a
 * maintenance task's `paths`) turns deny_paths around: every changed path, and a rename's old one, must match.
 */
export function checkFixDiff(changes: Change[], policy: FixPolicy, checkoutConfigWritten: string[], onlyPaths?: string[]): PolicyResult {
  return refuseDiscardedConfig(refuseOutside(checkDiffPolicy(changes, policy), changes, onlyPaths), checkoutConfigWritten);
}

function refuseOutside(verdict: PolicyResult, changes: Change[], onlyPaths: string[] | undefined): PolicyResult {
  if (!onlyPaths || verdict.empty) return verdict;
  const outside: Violation[] = changes
    .flatMap((c) => (c.oldPath !== undefined && c.oldPath !== c.path ? [c.path, c.oldPath] : [c.path]))
    .filter((path) => !onlyPaths.some((glob) => matchesGlob(path, glob)))
    .map((path) => ({ path, rule: "outside-paths" as const, message: `the maintenance task may only change ${onlyPaths.join(", ")}` }));
  if (outside.length === 0) return verdict;
  return withViolations(outside, verdict);
}

function withViolations(extra: Violation[], verdict: PolicyResult): PolicyResult {
  const violations = [...extra, ...verdict.violations];
  return {
    ok: false,
    empty: false,
    violations,
    message: `The diff breaks ${violations.length} rule(s): ${[...new Set(violations.map((v) => v.rule))].join(", ")}.`,
  };
}

/** What the fix's conversation says about a refused diff: the verdict and its first ten violations. */
export function describeRefusal(verdict: PolicyResult, describe: string): string {
  const details = verdict.violations
    .slice(0, 10)
    .map((v) => `- ${codeLine(v.path, 300)}: ${sanitizeMarkdownLine(v.message.slice(0, 500), {})}`)
    .join("\n");
  return `Codex's change for ${describe} was not committed: ${sanitizeMarkdownLine(verdict.message.slice(0, 500), {})}${details ? `\n\n${details}` : ""}`;
}

/** The job's outcome for a refused diff. */
export function refusalOutcome(verdict: PolicyResult): string {
  return verdict.empty ? "empty-diff" : `rejected: ${verdict.violations.map((v) => v.rule).join(",")}`;
}

// Skill and agent-config folders are moved out of the checkout while the agent runs (agent/checkout-instructions.ts),
// so what it wrote there was discarded before the diff was taken; its change is still refused: it tried to give
// the next agent instructions.
function refuseDiscardedConfig(verdict: PolicyResult, written: string[]): PolicyResult {
  if (written.length === 0) return verdict;
  return withViolations(
    written.map((name) => ({
      path: `${name}/`,
      rule: "agent-config" as const,
      message: `${name}/ configures agents; the bot never commits changes to it`,
    })),
    verdict,
  );
}

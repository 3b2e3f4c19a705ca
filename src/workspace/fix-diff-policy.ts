// The fix policy's verdict on a diff: the workspace's rules (policy.ts) with the limits of a repository's
// fixes, plus what only a fix run knows (a maintenance task's paths, agent config the agent tried to write).
// Pure: the App's fix pipeline (pipeline/fix/diff-check.ts) and the local CLI (src/local/) run this same check.
import type { Change } from "./diff.js";
import { matchesGlob } from "./glob.js";
import { checkDiffPolicy, type PolicyResult, type Violation } from "./policy.js";

export interface FixPolicy {
  allowWorkflows: boolean;
  maxFiles: number;
  maxLines: number;
  denyPaths: string[];
  maxFileBytes: number;
  maxTotalBytes: number;
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

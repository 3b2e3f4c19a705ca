import { canWriteWorkflows } from "../../github/installation-token.js";
import type { GitHubClient } from "../../github/client.js";
import type { RepoConfig } from "../../config/repo-config.js";
import { codeLine } from "../../text-safety/inline.js";
import { sanitizeMarkdownLine } from "../../text-safety/markdown.js";
import type { PolicyResult } from "../../workspace/policy.js";
import type { FixPolicy } from "../../workspace/fix-diff-policy.js";

// The pure check lives in workspace/fix-diff-policy.ts: the local CLI (src/local/) runs the same one.
export { checkFixDiff, type FixPolicy } from "../../workspace/fix-diff-policy.js";

/** The diff policy of this repository's fixes; the agent's prompt states the same limits. */
export async function fixPolicy(gh: GitHubClient, config: RepoConfig): Promise<FixPolicy> {
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

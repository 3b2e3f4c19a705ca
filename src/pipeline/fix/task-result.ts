import { cleanResult } from "../steps/clean-result.js";
import type { Handoff } from "./render.js";

/**
 * What a published fix leaves in its job record for the MCP server's task_result: the PR body's hand-off (the
 * facts the bot checked), the diff stat and the verdicts, so a caller need not parse the PR body.
 */
export function fixTaskResult(handoff: Handoff): Record<string, unknown> {
  const files = handoff.files;
  return cleanResult({
    handoff,
    diffstat: {
      files: files.length,
      added: files.reduce((n, f) => n + f.added, 0),
      removed: files.reduce((n, f) => n + f.removed, 0),
    },
    // Only a change that passed the diff policy (and a verify that did not block it) is published.
    verdicts: {
      policy: "passed",
      verify_before: handoff.verify?.before ?? null,
      verify_after: handoff.verify?.after ?? null,
    },
  });
}

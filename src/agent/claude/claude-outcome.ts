// How a Claude Code run ended, in words a maintainer can act on. The CLI's exit code alone misleads: a model
// error still ends with subtype "success" (with is_error), denied tools exit 0, and a run asked for a
// structured answer can "succeed" without giving one.
import type { ProcessResult } from "../../process/run-process.js";
import type { AgentRun } from "../codex-run-types.js";
import type { ClaudeSummary } from "./claude-events.js";

export interface ClaudeOutcome {
  outcome: AgentRun["outcome"];
  finalMessage?: string;
  errors: string[];
}

export function outcomeOf(
  result: ProcessResult,
  summary: ClaudeSummary,
  ctx: { timeoutMs: number; maxTurns: number; wantsSchema: boolean },
): ClaudeOutcome {
  // The parser's own messages (garbage samples, the CLI's errors) come first; the reason, last, is what is shown.
  const errors = [...summary.errors];
  const denied = summary.result?.permission_denials ?? [];
  if (denied.length > 0) {
    errors.push(`claude was refused ${denied.length} tool call(s): ${[...new Set(denied.map((d) => d.tool_name ?? "?"))].join(", ")}`);
  }
  const fail = (outcome: AgentRun["outcome"], reason: string): ClaudeOutcome => ({ outcome, errors: [...errors, reason] });
  if (result.timedOut) return fail("timeout", `claude did not finish within ${ctx.timeoutMs} ms and was killed`);
  if (result.aborted) return fail("cancelled", "claude was cancelled");
  if (result.startError !== null) return fail("crashed", `claude could not be started: ${result.startError}`);
  if (result.signal !== null) return fail("crashed", `claude was killed by ${result.signal}`);

  const final = summary.result;
  if (!final) {
    const said = lastLine(result.stderrTail) ?? lastLine(result.stdoutTail);
    return fail("failed", `claude exited with code ${result.exitCode} without a result${said ? `: ${said}` : ""}`);
  }
  if (final.is_error) {
    const status = final.api_error_status ? ` (HTTP ${final.api_error_status})` : "";
    return fail("failed", `the model call failed${status}: ${final.result?.trim() || "no message"}`);
  }
  if (final.subtype === "error_max_turns") return fail("failed", `claude used all ${ctx.maxTurns} turns without finishing`);
  if (final.subtype === "error_max_structured_output_retries") {
    return fail("failed", "claude's structured answer did not fit the schema, five times");
  }
  if (final.subtype !== "success") return fail("failed", `claude ended with ${final.subtype}`);
  if (result.exitCode !== 0) return fail("failed", `claude exited with code ${result.exitCode}`);
  if (ctx.wantsSchema) {
    if (final.structured_output === undefined || final.structured_output === null) {
      return fail("failed", "claude finished without a structured answer (it never called StructuredOutput)");
    }
    return { outcome: "completed", finalMessage: JSON.stringify(final.structured_output), errors };
  }
  const text = final.result ?? summary.finalMessage;
  if (!text) return fail("failed", "claude finished without a final message");
  return { outcome: "completed", finalMessage: text, errors };
}

function lastLine(text: string): string | undefined {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .at(-1)
    ?.slice(0, 300);
}

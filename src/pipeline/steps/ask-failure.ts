import { isWorkerShutdown } from "../../jobs/worker/hand-back.js";
import type { AgentRun } from "../../agent/codex.js";
import type { JobContext } from "../../jobs/worker/job-context.js";
import type { Conversation } from "./conversation.js";
import { describeAgentFailure } from "./agent-step.js";
import { sanitizeMarkdown } from "../../text-safety/markdown.js";
import { agentName, spendLine, type AgentSpend } from "./spend.js";

export const STOPPED_TEXT = "Stopped: the job was cancelled, and its workspace removed.";

/** Why a run gave no usable answer, in words for the person who asked, with who worked and what it spent. */
export function askFailureText(
  ctx: JobContext,
  run: AgentRun,
  schemaError: string | null,
  timeoutMs: number,
  what: string,
  spend: AgentSpend,
): string {
  if (ctx.cancelled()) return STOPPED_TEXT;
  const why = schemaError ?? describeAgentFailure(run, timeoutMs);
  // No host is given: a failure reason has no business linking anywhere.
  return `${agentName(spend.agent)} could not ${what}: ${sanitizeMarkdown(why, {})}\n\n<sub>${spendLine(spend)}</sub>`;
}

/**
 * Runs the job and, when it throws on its last attempt (or after a stop), ends the conversation with 😕 and
 * the reason, so the person is not left looking at a checklist that says "working…" forever.
 */
export async function endConversationOnError<T>(ctx: JobContext, talk: Conversation, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    // A worker shutdown hands the job back to run again: the person hears from that run, not "stopped on an error".
    if (isWorkerShutdown(err)) throw err;
    if (ctx.isLastAttempt || ctx.cancelled()) {
      const reason = ctx.cancelled()
        ? STOPPED_TEXT
        : `Codex stopped on an error: ${sanitizeMarkdown((err instanceof Error ? err.message : String(err)).slice(0, 500), {})}`;
      await talk.finish(false, reason).catch(() => undefined);
    }
    throw err;
  }
}

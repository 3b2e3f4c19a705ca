import { runCodex, type AgentRun, type CodexRunOptions } from "../agent/codex.js";
import type { PipelineDeps } from "./deps.js";
import { formatDuration } from "./format.js";

// `instructions` is required here: every pipeline must say which trusted instructions its run gets (the
// default branch's AGENTS.md, or none); a run can never fall back to the checkout's own.
type SessionOptions = Omit<CodexRunOptions, "modelBaseUrl" | "modelToken" | "codexBin" | "instructions" | "isolation"> & {
  instructions: string | null;
};

/**
 * Runs Codex with a one-job grant on the key proxy: codex only ever holds that grant's token, which is
 * worthless once revoked, never the real model key.
 */
export async function runAgentSession(
  deps: Pick<PipelineDeps, "env" | "keyProxy" | "agentSlots" | "isolation">,
  opts: SessionOptions,
): Promise<AgentRun & { proxyTokens: number }> {
  // A job waits here for a free agent slot: WORKER_CONCURRENCY bounds agents per process, not jobs per kind.
  return deps.agentSlots(() => runWithGrant(deps, opts));
}

async function runWithGrant(
  deps: Pick<PipelineDeps, "env" | "keyProxy" | "isolation">,
  opts: SessionOptions,
): Promise<AgentRun & { proxyTokens: number }> {
  const grant = deps.keyProxy.issue();
  try {
    const run = await runCodex({
      ...opts,
      codexBin: deps.env.CODEX_BIN,
      isolation: deps.isolation,
      modelBaseUrl: deps.keyProxy.baseUrl,
      modelToken: grant.token,
    });
    return { ...run, proxyTokens: grant.usage().totalTokens };
  } finally {
    grant.revoke();
  }
}

export function agentTokens(run: AgentRun & { proxyTokens: number }): { input: number; output: number } {
  // Codex's own count when it got as far as turn.completed; otherwise what the proxy metered.
  if (run.usage.inputTokens + run.usage.outputTokens > 0) return { input: run.usage.inputTokens, output: run.usage.outputTokens };
  return { input: run.proxyTokens, output: 0 };
}

export function describeAgentFailure(run: AgentRun, timeoutMs: number): string {
  if ((run.outcome === "failed" || run.outcome === "completed") && run.garbageLines > 0 && !run.finalMessage) {
    return `Codex printed ${run.garbageLines} line(s) of output that could not be read, and no answer.`;
  }
  switch (run.outcome) {
    case "timeout":
      return `Codex did not finish within its time limit (${formatDuration(timeoutMs)}) and was stopped.`;
    case "cancelled":
      return "The job was cancelled.";
    case "crashed":
      return `Codex stopped unexpectedly${run.signal ? ` (signal ${run.signal})` : ""}${run.errors[0] ? `: ${run.errors[0]}` : "."}`;
    case "failed":
      return `Codex failed${run.errors.length ? `: ${run.errors[run.errors.length - 1]}` : ` with exit code ${run.exitCode}.`}`;
    default:
      return run.garbageLines > 0 ? "Codex printed output that could not be read." : "Codex finished without an answer.";
  }
}

import { runCodex, type AgentRun, type CodexRunOptions } from "../../agent/codex.js";
import type { Logger } from "probot";
import type { RepoConfig } from "../../config/repo-config.js";
import type { JobContext } from "../../jobs/worker/job-context.js";
import type { PipelineDeps } from "../deps.js";
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

/** What an agent step needs beyond the session: the config (time limit, model) and the job (signal, log). */
export interface AgentStepContext {
  config: RepoConfig;
  ctx: JobContext;
  log: Logger;
}

/**
 * The agent step of every pipeline: the repository's time limit and model (else CODEX_MODEL), the job's abort
 * signal, one grant on the key proxy, one agent slot, and one "agent finished" log line with the tokens.
 */
export async function agentStep(
  deps: Pick<PipelineDeps, "env" | "keyProxy" | "agentSlots" | "isolation">,
  step: AgentStepContext,
  opts: Omit<SessionOptions, "model" | "timeoutMs" | "signal">,
): Promise<{ run: AgentRun & { proxyTokens: number }; tokens: { input: number; output: number }; timeoutMs: number }> {
  const timeoutMs = step.config.agent.timeout_minutes * 60_000;
  const run = await runAgentSession(deps, {
    ...opts,
    model: step.config.agent.model ?? deps.env.CODEX_MODEL,
    timeoutMs,
    signal: step.ctx.signal,
  });
  const tokens = agentTokens(run);
  step.log.info({ outcome: run.outcome, commands: run.commands.length, tokens }, "agent finished");
  return { run, tokens, timeoutMs };
}

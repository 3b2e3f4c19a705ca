import type { Agent, AgentBackend, AgentRun, AgentTask } from "../../agent/agent.js";
import { claudeAgent } from "../../agent/claude/claude-agent.js";
import { codexAgent } from "../../agent/codex-agent.js";
import type { Logger } from "probot";
import type { RepoConfig } from "../../config/repo-config.js";
import type { JobContext } from "../../jobs/worker/job-context.js";
import type { PipelineDeps } from "../deps.js";
import { formatDuration } from "./format.js";
import { instructionsFor, type TrustedInstructions } from "./trusted-instructions.js";

// `instructions` is required here (AgentTask): every pipeline must say which trusted instructions its run gets
// (the default branch's AGENTS.md or CLAUDE.md, or none); a run can never fall back to the checkout's own. `backend` picks
// the CLI (the repository's agent.backend); absent: codex.
type SessionOptions = Omit<AgentTask, "isolation"> & { backend?: AgentBackend };

/** The backend behind the Agent boundary, with the operator's binary and default model for it. */
export function agentFor(backend: AgentBackend, env: PipelineDeps["env"]): Agent {
  return backend === "claude"
    ? claudeAgent({ claudeBin: env.CLAUDE_BIN, defaultModel: env.CLAUDE_MODEL })
    : codexAgent({ codexBin: env.CODEX_BIN });
}

/**
 * Runs the agent with a one-job grant on the key proxy: the agent only ever holds that grant's token, which is
 * worthless once revoked, never a real model key.
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
  const { backend = "codex", ...task } = opts;
  try {
    const run = await agentFor(backend, deps.env).run(
      { ...task, isolation: deps.isolation },
      { responsesBaseUrl: deps.keyProxy.baseUrl, messagesBaseUrl: deps.keyProxy.anthropicBaseUrl, token: grant.token },
    );
    return { ...run, proxyTokens: grant.usage().totalTokens };
  } finally {
    grant.revoke();
  }
}

export function agentTokens(run: AgentRun & { proxyTokens: number }): { input: number; output: number } {
  // The agent's own count when it got as far as turn.completed; otherwise what the proxy metered.
  if (run.usage.inputTokens + run.usage.outputTokens > 0) return { input: run.usage.inputTokens, output: run.usage.outputTokens };
  return { input: run.proxyTokens, output: 0 };
}

export function describeAgentFailure(run: AgentRun, timeoutMs: number): string {
  const name = run.agent === "claude" ? "Claude" : "Codex";
  if ((run.outcome === "failed" || run.outcome === "completed") && run.garbageLines > 0 && !run.finalMessage) {
    return `${name} printed ${run.garbageLines} line(s) of output that could not be read, and no answer.`;
  }
  switch (run.outcome) {
    case "timeout":
      return `${name} did not finish within its time limit (${formatDuration(timeoutMs)}) and was stopped.`;
    case "cancelled":
      return "The job was cancelled.";
    case "crashed":
      return `${name} stopped unexpectedly${run.signal ? ` (signal ${run.signal})` : ""}${run.errors[0] ? `: ${run.errors[0]}` : "."}`;
    case "failed":
      return `${name} failed${run.errors.length ? `: ${run.errors[run.errors.length - 1]}` : ` with exit code ${run.exitCode}.`}`;
    default:
      return run.garbageLines > 0 ? `${name} printed output that could not be read.` : `${name} finished without an answer.`;
  }
}

/** What an agent step needs beyond the session: the config (time limit, model) and the job (signal, log). */
export interface AgentStepContext {
  config: RepoConfig;
  ctx: JobContext;
  log: Logger;
}

/**
 * The agent step of every pipeline: the repository's backend, time limit and model (else CODEX_MODEL or
 * CLAUDE_MODEL), that backend's file of the default branch's instructions (trusted-instructions.ts), the job's abort signal, one grant on the key proxy, one agent slot, and one "agent finished"
 * log line with the agent and the tokens.
 */
export async function agentStep(
  deps: Pick<PipelineDeps, "env" | "keyProxy" | "agentSlots" | "isolation">,
  step: AgentStepContext,
  opts: Omit<SessionOptions, "model" | "timeoutMs" | "signal" | "backend" | "instructions"> & { instructions: TrustedInstructions | null },
): Promise<{ run: AgentRun & { proxyTokens: number }; tokens: { input: number; output: number }; timeoutMs: number }> {
  const timeoutMs = step.config.agent.timeout_minutes * 60_000;
  const backend = step.config.agent.backend;
  const run = await runAgentSession(deps, {
    ...opts,
    backend,
    instructions: instructionsFor(backend, opts.instructions),
    model: step.config.agent.model ?? (backend === "claude" ? deps.env.CLAUDE_MODEL : deps.env.CODEX_MODEL),
    timeoutMs,
    signal: step.ctx.signal,
  });
  const tokens = agentTokens(run);
  step.log.info({ agent: run.agent, outcome: run.outcome, commands: run.commands.length, tokens }, "agent finished");
  return { run, tokens, timeoutMs };
}

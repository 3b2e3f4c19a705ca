import { isWorkerShutdown } from "../../jobs/worker/hand-back.js";
import type { Agent, AgentBackend, AgentRun, AgentTask } from "../../agent/agent.js";
import { claudeAgent, DEFAULT_CLAUDE_MODEL } from "../../agent/claude/claude-agent.js";
import { codexAgent } from "../../agent/codex-agent.js";
import type { BudgetStop, GrantBudget } from "../../agent/key-proxy.js";
import { costOf, parseModelPrices } from "../../agent/prices.js";
import type { Logger } from "probot";
import type { RepoConfig } from "../../config/repo-config.js";
import { tokensSpentToday } from "../../jobs/token-usage.js";
import type { JobContext } from "../../jobs/worker/job-context.js";
import type { PipelineDeps } from "../deps.js";
import { formatDuration } from "./format.js";
import { agentHistory, recordAgentRun } from "../../jobs/agent-runs.js";
import { countAgentRun } from "../../web/metrics-agent.js";
import { chooseAgent, routeFor, type AgentChoice, type RoutedKind } from "./agent-choice.js";
import { budgetStopText, type AgentSpend } from "./spend.js";
import { TimelineRecorder } from "./timeline.js";
import { instructionsFor, type TrustedInstructions } from "./trusted-instructions.js";

// `instructions` is required here (AgentTask): every pipeline must say which trusted instructions its run gets
// (the default branch's AGENTS.md or CLAUDE.md, or none); a run can never fall back to the checkout's own. `backend` picks
// the CLI (the repository's agent.backend); absent: codex.
// `budget`: the grant's token limits (absent: none).
type SessionOptions = Omit<AgentTask, "isolation"> & { backend?: AgentBackend; budget?: GrantBudget };

/** A run with what the key proxy saw of it: the tokens it metered, and the budget that refused a call, if one did. */
export type ProxiedRun = AgentRun & { proxyTokens: number; proxyUsage: { input: number; output: number }; budgetStop: BudgetStop | null };

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
): Promise<ProxiedRun> {
  // A job waits here for a free agent slot: WORKER_CONCURRENCY bounds agents per process, not jobs per kind.
  return deps.agentSlots(() => runWithGrant(deps, opts));
}

async function runWithGrant(deps: Pick<PipelineDeps, "env" | "keyProxy" | "isolation">, opts: SessionOptions): Promise<ProxiedRun> {
  const { backend = "codex", budget, ...task } = opts;
  const grant = deps.keyProxy.issue(budget ? { budget } : undefined);
  try {
    // A budget already spent (the day's, or a job budget of 0) refuses the first call: the agent is not started.
    const spent = grant.check();
    const run = spent
      ? budgetRefusedRun(backend, spent)
      : await agentFor(backend, deps.env).run(
          { ...task, isolation: deps.isolation },
          { responsesBaseUrl: deps.keyProxy.baseUrl, messagesBaseUrl: deps.keyProxy.anthropicBaseUrl, token: grant.token },
        );
    const usage = grant.usage();
    return {
      ...run,
      proxyTokens: usage.totalTokens,
      proxyUsage: { input: usage.inputTokens, output: usage.outputTokens },
      budgetStop: grant.stoppedBy(),
    };
  } finally {
    grant.revoke();
  }
}

function budgetRefusedRun(agent: AgentBackend, stop: BudgetStop): AgentRun {
  return {
    agent,
    outcome: "failed",
    exitCode: null,
    durationMs: 0,
    commands: [],
    fileChanges: [],
    usage: { inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, reasoningOutputTokens: 0 },
    errors: [budgetStopText(stop)],
    stderrTail: "",
    garbageLines: 0,
    checkoutConfigWritten: [],
  };
}

export function agentTokens(run: AgentRun & { proxyTokens: number; proxyUsage?: { input: number; output: number } }): {
  input: number;
  output: number;
} {
  // The agent's own count when it got as far as turn.completed; otherwise what the proxy metered.
  if (run.usage.inputTokens + run.usage.outputTokens > 0) return { input: run.usage.inputTokens, output: run.usage.outputTokens };
  return run.proxyUsage ?? { input: run.proxyTokens, output: 0 };
}

export function describeAgentFailure(run: AgentRun & { budgetStop?: BudgetStop | null }, timeoutMs: number): string {
  // A refused call makes the agent fail in its own words ("429 …"): the budget is the reason to give.
  if (run.budgetStop) return budgetStopText(run.budgetStop);
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

/** What an agent step needs beyond the session: the config (time limit, model, budget) and the job (signal, log, whose budgets). */
export interface AgentStepContext {
  config: RepoConfig;
  ctx: JobContext;
  log: Logger;
  /** `plan`: the planner, whose agent plan.planner picks (the caller passes it); it has no agent.routing entry. */
  job: { key: string; kind: RoutedKind | "plan"; repo: { fullName: string }; installationId: number };
}

/**
 * The agent step of every pipeline: the repository's backend, time limit and model (else CODEX_MODEL or
 * CLAUDE_MODEL), that backend's file of the default branch's instructions (trusted-instructions.ts), the job's abort signal, one grant on the key proxy, one agent slot, and one "agent finished"
 * log line with the agent and the tokens.
 */
export async function agentStep(
  deps: Pick<PipelineDeps, "env" | "keyProxy" | "agentSlots" | "isolation" | "db">,
  step: AgentStepContext,
  opts: Omit<SessionOptions, "model" | "timeoutMs" | "signal" | "backend" | "budget" | "instructions"> & {
    instructions: TrustedInstructions | null;
  },
  /** A choice made by the caller (a second opinion asks the other agent); absent: agent.routing decides. */
  pick?: AgentChoice,
): Promise<{ run: ProxiedRun; tokens: { input: number; output: number; costUsd: number | null }; timeoutMs: number; spend: AgentSpend }> {
  const timeoutMs = step.config.agent.timeout_minutes * 60_000;
  const choice = pick ?? (await routedChoice(deps, step));
  const backend = choice.backend;
  const model = modelFor(step.config, backend) ?? (backend === "claude" ? deps.env.CLAUDE_MODEL : deps.env.CODEX_MODEL);
  // The dashboard's live timeline of this run (timeline.ts); the pipeline's own listener still gets every event.
  const timeline = new TimelineRecorder(deps.db, step.job.key, step.log, opts.cwd);
  timeline.start(backend, model);
  const run = await runAgentSession(deps, {
    ...opts,
    onEvent: (event) => {
      timeline.onEvent(event);
      opts.onEvent?.(event);
    },
    backend,
    instructions: instructionsFor(backend, opts.instructions),
    model,
    timeoutMs,
    signal: step.ctx.signal,
    budget: await grantBudget(deps, step),
  });
  // The worker is shutting down and killed the agent: nothing of this run is the job's answer. Throwing lets the
  // worker hand the job back (jobs/worker/hand-back.ts) before any pipeline says "could not …" to a person.
  await timeline.flush();
  if (step.ctx.signal.aborted && isWorkerShutdown(step.ctx.signal.reason)) throw step.ctx.signal.reason;
  const counted = agentTokens(run);
  // The model that was asked for; Claude Code's own default when none was, codex's is not known here (no price).
  const billed = model ?? (backend === "claude" ? DEFAULT_CLAUDE_MODEL : null);
  const tokens = { ...counted, costUsd: costOf(counted, billed, parseModelPrices(deps.env.MODEL_PRICES)) };
  const spend: AgentSpend = {
    agent: run.agent,
    model: billed,
    tokens: counted.input + counted.output,
    costUsd: tokens.costUsd,
    stop: run.budgetStop,
    chosen: choice.reason,
  };
  countAgentRun({ agent: run.agent, kind: step.job.kind, outcome: run.outcome, durationMs: run.durationMs, tokens });
  // What routing `auto` learns from; losing a row costs a data point, never the job.
  await recordAgentRun(deps.db, {
    jobKey: step.job.key,
    repo: step.job.repo.fullName,
    kind: step.job.kind,
    agent: run.agent,
    model: billed,
    answered: run.outcome === "completed" && !!run.finalMessage?.trim(),
    tokens: counted.input + counted.output,
    costUsd: tokens.costUsd,
  }).catch((err: unknown) => step.log.warn({ err }, "agent run not recorded"));
  step.log.info(
    { agent: run.agent, model: billed, outcome: run.outcome, commands: run.commands.length, tokens, stoppedBy: run.budgetStop?.stoppedBy },
    "agent finished",
  );
  return { run, tokens, timeoutMs, spend };
}

/**
 * The grant's limits: the repository's job and day budgets, and the installation's day budget, which is the
 * operator's (INSTALLATION_DAILY_TOKENS) unless the repository asks for less. The day totals so far come from
 * today's job records; the proxy adds what live grants spend.
 */
async function grantBudget(deps: Pick<PipelineDeps, "env" | "db">, step: AgentStepContext): Promise<GrantBudget> {
  const b = step.config.agent.budget;
  const spent = await tokensSpentToday(deps.db, { repo: step.job.repo.fullName, installationId: step.job.installationId });
  return {
    jobTokens: b.job_tokens,
    repo: { key: step.job.repo.fullName, dailyTokens: b.repo_daily_tokens, spentToday: spent.repo },
    installation: {
      key: String(step.job.installationId),
      dailyTokens: Math.min(b.installation_daily_tokens ?? Infinity, deps.env.INSTALLATION_DAILY_TOKENS),
      spentToday: spent.installation,
    },
  };
}

const ROUTING_WINDOW_MS = 30 * 24 * 60 * 60 * 1000;

/** agent.routing for the job's kind; `auto` reads the last 30 days of this repository's runs of that kind. */
async function routedChoice(deps: Pick<PipelineDeps, "db">, step: AgentStepContext): Promise<AgentChoice> {
  const kind = step.job.kind;
  if (kind === "plan") throw new Error("a plan's agent is chosen by plan.planner: pass it to agentStep");
  const auto = routeFor(step.config, kind) === "auto";
  const history = auto
    ? await agentHistory(deps.db, { repo: step.job.repo.fullName, kind, since: new Date(Date.now() - ROUTING_WINDOW_MS) })
    : null;
  return chooseAgent(step.config, kind, history);
}

/** The repository's model for `backend`: agent.models, else agent.model when that agent is the default one. */
function modelFor(config: RepoConfig, backend: AgentBackend): string | undefined {
  return config.agent.models[backend] ?? (backend === config.agent.backend ? config.agent.model : undefined);
}

// Which agent worked, what it spent and what that cost, as every comment, check run and PR body says it:
// `Claude (claude-sonnet-5) · 12,345 tokens · $0.04`. A cost is shown only from the operator's price table;
// a model without a price says "cost unknown".
import type { AgentBackend } from "../../agent/agent.js";
import type { BudgetStop } from "../../agent/key-proxy.js";
import { codeLine } from "../../text-safety/inline.js";
import { formatTokens } from "./format.js";

export interface AgentSpend {
  agent: AgentBackend;
  /** The model the agent was asked to use; null when it used its own default (codex without CODEX_MODEL). */
  model: string | null;
  tokens: number;
  /** USD; null when the model has no price. */
  costUsd: number | null;
  /** The budget that refused one of its model calls, if one did. */
  stop: BudgetStop | null;
  /** Why this agent did the work (agent-choice.ts), e.g. "agent.routing.fix: claude". */
  chosen?: string;
}

export function agentName(agent: AgentBackend): string {
  return agent === "claude" ? "Claude" : "Codex";
}

export function formatCost(usd: number | null): string {
  if (usd === null) return "cost unknown";
  if (usd > 0 && usd < 0.01) return "<$0.01";
  return `$${usd.toFixed(2)}`;
}

/** `Claude (claude-sonnet-5) · 12,345 tokens · $0.04`, and the budget that stopped the run when one did. */
export function spendLine(spend: AgentSpend): string {
  // The model name is configuration text (the repository's agent.model): shown as code, inert.
  const model = spend.model ? codeLine(spend.model, 80) : null;
  const details = [model, spend.chosen ? `chosen by ${spend.chosen}` : null].filter(Boolean).join("; ");
  const who = details ? `${agentName(spend.agent)} (${details})` : agentName(spend.agent);
  const stopped = spend.stop ? ` · stopped by ${budgetLabel(spend.stop)}` : "";
  return `${who} · ${formatTokens(spend.tokens)} tokens · ${formatCost(spend.costUsd)}${stopped}`;
}

function budgetLabel(stop: BudgetStop): string {
  return stop.budget === "job"
    ? "this job's token budget"
    : stop.budget === "repo"
      ? "this repository's daily token budget"
      : "this installation's daily token budget";
}

/** `Stopped: this repository's daily token budget (20,000,000 tokens) is spent.` */
export function budgetStopText(stop: BudgetStop): string {
  const label = budgetLabel(stop);
  return `Stopped: ${label} (${formatTokens(stop.limit)} tokens) is spent.`;
}

export interface JobTokenCount {
  input: number;
  output: number;
  /** USD; null when either part had no price. */
  costUsd: number | null;
}

/** Two agent runs of one job (a second opinion, a race) as the job's one count. */
export function addTokens(a: JobTokenCount, b: JobTokenCount): JobTokenCount {
  return {
    input: a.input + b.input,
    output: a.output + b.output,
    costUsd: a.costUsd === null || b.costUsd === null ? null : a.costUsd + b.costUsd,
  };
}

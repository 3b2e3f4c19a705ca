import { agentCost, agentDuration, agentTokens } from "./metrics.js";

/** One finished agent run into /metrics: its wall time, its tokens each way and what they cost (when priced). */
export function countAgentRun(run: {
  agent: string;
  kind: string;
  outcome: string;
  durationMs: number;
  tokens: { input: number; output: number; costUsd: number | null };
}): void {
  agentDuration.observe({ agent: run.agent, kind: run.kind, outcome: run.outcome }, Math.max(0, run.durationMs) / 1000);
  agentTokens.inc({ agent: run.agent, kind: run.kind, direction: "input" }, run.tokens.input);
  agentTokens.inc({ agent: run.agent, kind: run.kind, direction: "output" }, run.tokens.output);
  if (run.tokens.costUsd !== null && run.tokens.costUsd > 0) agentCost.inc({ agent: run.agent, kind: run.kind }, run.tokens.costUsd);
}

// Who writes a plan (`plan.planner`): `auto` is Claude when the operator configured it (ANTHROPIC_API_KEY, held
// by the key proxy), else Codex; `codex` or `claude` forces one. Planning is not routed by agent.routing: a plan
// is judged by people before anything runs, so there is no success rate to learn from.
import type { RepoConfig } from "../../config/repo-config.js";
import type { AppEnv } from "../../config/env.js";
import type { AgentChoice } from "../steps/agent-choice.js";

export type PlannerPick = { ok: true; choice: AgentChoice } | { ok: false; reason: string };

export function choosePlanner(config: RepoConfig, env: Pick<AppEnv, "ANTHROPIC_API_KEY">): PlannerPick {
  const claudeConfigured = Boolean(env.ANTHROPIC_API_KEY);
  const wanted = config.plan.planner;
  if (wanted === "claude" && !claudeConfigured) {
    return {
      ok: false,
      reason: "`plan.planner` is `claude`, but this installation has no Claude configured. Set it to `auto` or `codex`.",
    };
  }
  if (wanted !== "auto") return { ok: true, choice: { backend: wanted, reason: `plan.planner: ${wanted}` } };
  return claudeConfigured
    ? { ok: true, choice: { backend: "claude", reason: "plan.planner: auto, Claude is configured" } }
    : { ok: true, choice: { backend: "codex", reason: "plan.planner: auto, Claude is not configured" } };
}

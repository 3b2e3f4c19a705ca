// One agent run on the user's own machine with the user's own login: codex with their CODEX_HOME and key,
// Claude Code with their HOME (or CLAUDE_CONFIG_DIR) and key (agent/own-credentials.ts). No key proxy, no
// isolation uid, no instructions written anywhere; the same CLIs, sandbox levels and output schemas as the App.
import type { AgentEvent, AgentRun } from "../agent/agent.js";
import { runClaude } from "../agent/claude/claude-agent.js";
import { runCodex } from "../agent/codex.js";

export const LOCAL_AGENTS = ["codex", "claude"] as const;
export type LocalAgentName = (typeof LOCAL_AGENTS)[number];

export interface LocalAgentTask {
  agent: LocalAgentName;
  cwd: string;
  prompt: string;
  sandbox: "read-only" | "workspace-write";
  outputSchema: object;
  /** Scratch beside the checkout: the agent's TMPDIR and the schema file. */
  jobDir: string;
  addDirs?: string[];
  model?: string;
  timeoutMs: number;
  signal?: AbortSignal;
  onEvent?: (event: AgentEvent) => void;
}

export function runLocalAgent(task: LocalAgentTask): Promise<AgentRun> {
  const { agent, ...rest } = task;
  // The checkout's own AGENTS.md / CLAUDE.md stay switched off as in the App: the repository may be a clone of
  // someone else's project (a log being triaged), and its files are data, not instructions.
  const common = { ...rest, instructions: null, credentials: "own" as const };
  return agent === "claude" ? runClaude(common) : runCodex(common);
}

/** Why a run did not complete, in one line: the CLI's own errors, and its last words on stderr when it gave none. */
export function failureOf(run: AgentRun): string | undefined {
  if (run.outcome === "completed") return undefined;
  const said = run.errors.filter((e) => !/^(codex|claude) exited with code \d+$/.test(e));
  const stderr = run.stderrTail.trim().split("\n").slice(-3).join(" | ");
  const why = [...said, ...(said.length === 0 && stderr ? [stderr] : []), ...run.errors.filter((e) => !said.includes(e))];
  return `${run.agent} ${run.outcome}: ${why.join("; ") || "no reason given"}`;
}

// The boundary every pipeline talks to: one agent run on one task, whichever CLI does the work. Two backends
// implement it: codex (codex-agent.ts, today's runCodex) and Claude Code (claude/claude-agent.ts). Both
// return the same AgentRun (codex-run-types.ts) and stream the same normalised events: the `codex exec --json`
// vocabulary (events.ts), into which Claude's stream-json is translated, so progress comments and logs work
// for either without knowing which one ran.
import type { AgentRun } from "./codex-run-types.js";
import type { CodexEvent } from "./events.js";
import type { AgentIsolation } from "./isolation.js";

export type { AgentRun } from "./codex-run-types.js";

export const AGENT_BACKENDS = ["codex", "claude"] as const;
export type AgentBackend = (typeof AGENT_BACKENDS)[number];

/** A normalised agent event: commands (with exit codes), file changes, messages, todo items, usage. */
export type AgentEvent = CodexEvent;

/** One task for an agent. Everything the run may touch is named here; nothing else of the bot reaches it. */
export interface AgentTask {
  /** The worktree the agent works in. */
  cwd: string;
  prompt: string;
  /** read-only: reads and searches only; workspace-write: edits in the worktree and shell commands. */
  sandbox: "read-only" | "workspace-write";
  /** The trusted instructions (the default branch's AGENTS.md / CLAUDE.md), or null: never the checkout's. */
  instructions: string | null;
  /** JSON Schema of the final answer; the run's finalMessage is then that JSON as text. */
  outputSchema?: object;
  /** Per-job scratch dir: the agent's HOME, config dir and TMPDIR live inside it. */
  jobDir: string;
  /** Extra directories the agent may read (e.g. the full logs next to the worktree). */
  addDirs?: string[];
  model?: string;
  /** Wall-clock limit; then the agent's whole process group is killed and the outcome is "timeout". */
  timeoutMs: number;
  signal?: AbortSignal;
  onEvent?: (event: AgentEvent) => void;
  /** Called with the pid of the started process (also its process group id). */
  onSpawn?: (pid: number) => void;
  /** Run under a user id of its own (isolation.ts); absent or null: as the bot's own user. */
  isolation?: AgentIsolation | null;
}

/** How the agent reaches the model: the key proxy's loopback base URLs and a per-job token, never a real key. */
export interface ModelAccess {
  /** The proxy's Responses base (`…/v1`), for codex. */
  responsesBaseUrl: string;
  /** The proxy's root, for Claude (ANTHROPIC_BASE_URL; the CLI appends `/v1/messages`). */
  messagesBaseUrl: string;
  token: string;
}

export interface Agent {
  readonly backend: AgentBackend;
  run(task: AgentTask, access: ModelAccess): Promise<AgentRun>;
}

// What runCodex (codex.ts) takes and returns: the shape every pipeline sees of one agent run.
import type { CodexCommand, CodexEvent, CodexFileChange, CodexUsage } from "./events.js";
import type { AgentIsolation } from "./isolation.js";

export interface CodexRunOptions {
  /** Default: the CODEX_BIN env variable, else the launcher of the @openai/codex dependency. */
  codexBin?: string;
  /** The worktree codex works in. */
  cwd: string;
  /** Written to stdin, which is then closed (an open stdin makes `codex exec` wait forever). */
  prompt: string;
  sandbox: "read-only" | "workspace-write";
  /** JSON Schema for the final message; written to a file in jobDir and passed as --output-schema. */
  outputSchema?: object;
  /** Per-job scratch dir; CODEX_HOME = <jobDir>/codex-home, created fresh. */
  jobDir: string;
  /** Extra directories codex may read (e.g. the full logs next to the worktree). */
  addDirs?: string[];
  model?: string;
  /**
   * "proxy" (default, the App): the key proxy's URL and a job token below, a fresh CODEX_HOME and HOME.
   * "own" (only the local CLI on the user's machine, src/local/): the user's CODEX_HOME, HOME and key, no
   * provider override; then modelBaseUrl, modelToken, instructions and isolation must be absent.
   */
  credentials?: "proxy" | "own";
  /** Where codex sends model requests (the key proxy), through a custom model provider. Required unless "own". */
  modelBaseUrl?: string;
  /** The credential codex sends: a per-job proxy token, never the real key. Required unless "own". */
  modelToken?: string;
  /** Wall clock limit; then the whole process group is killed. */
  timeoutMs: number;
  signal?: AbortSignal;
  onEvent?: (event: CodexEvent) => void;
  /** Called with the pid of the started process (also its process group id), e.g. to record it. */
  onSpawn?: (pid: number) => void;
  /**
   * The only instructions codex gets besides the prompt (the default branch's AGENTS.md): written to the job's
   * CODEX_HOME, while the checkout's own AGENTS files and skills are switched off (checkout-instructions.ts).
   */
  instructions?: string | null;
  /** Run codex under a user id of its own (see isolation.ts); absent or null: as the bot's own user. */
  isolation?: AgentIsolation | null;
}

export interface AgentRun {
  /** Which CLI did the work. */
  agent: "codex" | "claude";
  outcome: "completed" | "failed" | "timeout" | "cancelled" | "crashed";
  exitCode: number | null;
  signal?: string;
  threadId?: string;
  durationMs: number;
  finalMessage?: string;
  commands: CodexCommand[];
  fileChanges: CodexFileChange[];
  usage: CodexUsage;
  errors: string[];
  /** The last few KB of stderr, redacted. */
  stderrTail: string;
  garbageLines: number;
  /** Skill or agent-config folders (.agents, .codex; for Claude also .claude, .mcp.json) the agent created in the checkout; they were discarded. */
  checkoutConfigWritten: string[];
}

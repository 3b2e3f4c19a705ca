// The command line and environment of one Claude Code run, built from scratch.
//
// The checkout is untrusted: by default `claude -p` loads CLAUDE.md files, `.claude/` settings (whose `env`
// can point ANTHROPIC_BASE_URL, and so the key, elsewhere; whose hooks and apiKeyHelper run commands),
// `.mcp.json` servers, skills, commands and agents from it. `--setting-sources ''` switches all settings
// files off (user, project, local), `--strict-mcp-config` every MCP server not given on the command line
// (none is); the only instructions are the trusted ones, passed with `--append-system-prompt`.
// Tools per sandbox level: read-only kinds get Read, Glob and Grep under `dontAsk` (reads inside the
// worktree and the added dirs, nothing else); workspace-write kinds also get Edit, Write and Bash under
// `acceptEdits`, and every Bash command runs in Claude's own sandbox (bubblewrap + socat, checked on 2.1.332):
// no network (its own network namespace; the HTTP proxy it is offered allows no host), writes only in the
// worktree and TMPDIR, its own PID namespace, no way out for the model (`dangerouslyDisableSandbox` ignored),
// and the run fails at start when bwrap or socat is missing rather than run a command unsandboxed.
// The CLI's own calls to the key proxy on 127.0.0.1 are made outside that sandbox and keep working.
// WebFetch and WebSearch are never offered: they would reach the network past the proxy.
import path from "node:path";
import { ownClaudeEnv } from "../own-credentials.js";

export const READ_ONLY_TOOLS = ["Read", "Glob", "Grep"] as const;
export const WRITE_TOOLS = [...READ_ONLY_TOOLS, "Edit", "Write", "Bash"] as const;

/** Model calls per run at most (`--max-turns`): a runaway loop ends as a failure, not at the time limit. */
export const DEFAULT_MAX_TURNS = 100;
/** Retries of a failed model call inside the CLI (its default is 10, with backoff up to ~40 s each). */
export const MAX_RETRIES = "2";

/**
 * Settings given on the command line (honoured even with every settings file off): the network tools are
 * denied even if a later CLI adds them to a tool set.
 */
const APP_SETTINGS = { permissions: { deny: ["WebFetch", "WebSearch"] } };
/**
 * Writing runs: Bash sandboxed (see above). `strictAllowlist` with no allowed domain denies every host without
 * asking; `credentials` unsets the job token (ANTHROPIC_API_KEY) for the commands, so only the CLI holds it.
 * Without `allowUnsandboxedCommands: false` the model could set `dangerouslyDisableSandbox` on a command.
 */
const SANDBOX_SETTINGS = {
  ...APP_SETTINGS,
  sandbox: {
    enabled: true,
    failIfUnavailable: true,
    autoAllowBashIfSandboxed: true,
    allowUnsandboxedCommands: false,
    network: { allowedDomains: [], strictAllowlist: true },
    // The App's CLI holds only ANTHROPIC_API_KEY (the job token); with the user's own login (src/local/) it may
    // hold the other two: commands get none of them.
    credentials: {
      envVars: ["ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "CLAUDE_CODE_OAUTH_TOKEN"].map((name) => ({ name, mode: "deny" })),
    },
  },
};

export interface ClaudeArgsInput {
  sandbox: "read-only" | "workspace-write";
  model: string;
  maxTurns: number;
  instructions: string | null;
  outputSchema?: object;
  addDirs?: string[];
}

export function claudeArgs(input: ClaudeArgsInput): string[] {
  const write = input.sandbox === "workspace-write";
  const args = [
    "-p",
    "--output-format",
    "stream-json",
    "--verbose",
    "--model",
    input.model,
    "--max-turns",
    String(input.maxTurns),
    "--setting-sources",
    "",
    "--strict-mcp-config",
    "--no-session-persistence",
    "--permission-mode",
    write ? "acceptEdits" : "dontAsk",
    // Variadic flags take `=`: a separate value would swallow what follows.
    `--tools=${(write ? WRITE_TOOLS : READ_ONLY_TOOLS).join(",")}`,
    "--settings",
    JSON.stringify(write ? SANDBOX_SETTINGS : APP_SETTINGS),
  ];
  if (write) args.push("--allowedTools=Bash");
  for (const dir of input.addDirs ?? []) args.push(`--add-dir=${path.resolve(dir)}`);
  if (input.instructions) args.push("--append-system-prompt", input.instructions);
  if (input.outputSchema) args.push("--json-schema", JSON.stringify(input.outputSchema));
  return args;
}

export interface ClaudeDirs {
  home: string;
  config: string;
  tmp: string;
}

// Only the base URL is called: no bootstrap, metrics, MCP registry or session-title requests.
const QUIET = {
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
  DISABLE_AUTOUPDATER: "1",
  DISABLE_TELEMETRY: "1",
  CLAUDE_CODE_MAX_RETRIES: MAX_RETRIES,
};

/** The whole environment: nothing of the bot's is inherited, and the only credential is the job token. */
export function claudeEnv(dirs: ClaudeDirs, baseUrl: string, token: string): Record<string, string> {
  return {
    PATH: process.env.PATH || "/usr/local/bin:/usr/bin:/bin",
    HOME: dirs.home,
    LANG: "C.UTF-8",
    // Claude writes session scratch (and sandbox dirs) under TMPDIR even without session persistence.
    TMPDIR: dirs.tmp,
    CLAUDE_CONFIG_DIR: dirs.config,
    ...QUIET,
    ANTHROPIC_BASE_URL: baseUrl,
    ANTHROPIC_API_KEY: token,
  };
}

/** The user's own login on their own machine (src/local/ only): their HOME and key variables, as quiet. */
export function ownClaudeRunEnv(tmp: string): Record<string, string> {
  return { ...ownClaudeEnv(tmp), ...QUIET };
}

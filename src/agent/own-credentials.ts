// The environment of an agent run with the user's OWN login, on the user's own machine (the local
// `codex-dispatch ask` and `triage --log`, src/local/). Never used by the App: there the agent's only
// credential is a per-job proxy token (codex.ts, claude/claude-args.ts).
//
// Still built from an allow-list rather than inherited whole: the agent gets what its CLI needs to find the
// user's login (HOME, CODEX_HOME or CLAUDE_CONFIG_DIR, the key variables the CLI reads, proxy and CA settings),
// not every token the user's shell happens to hold (GITHUB_TOKEN, cloud credentials). The commands the agent
// runs get less again: codex's shell_environment_policy and Claude's sandbox credentials setting keep the key
// variables from them.
import { mkdir } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

/** The variables codex reads an API key from (codex-cli.md: CODEX_API_KEY for exec; OPENAI_API_KEY for login). */
export const OWN_KEY_VARIABLES = ["OPENAI_API_KEY", "CODEX_API_KEY"] as const;
/** Claude Code's: an API key, a long-lived login token, a custom endpoint (a gateway the user set up). */
export const OWN_CLAUDE_VARIABLES = ["ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "CLAUDE_CODE_OAUTH_TOKEN", "ANTHROPIC_BASE_URL"] as const;
// How the user's machine reaches the network: without them a login behind a corporate proxy fails.
const NETWORK_VARIABLES = [
  "HTTPS_PROXY",
  "HTTP_PROXY",
  "NO_PROXY",
  "https_proxy",
  "http_proxy",
  "no_proxy",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
];

function base(tmp: string, from: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = {
    PATH: from.PATH || "/usr/local/bin:/usr/bin:/bin",
    HOME: userHome(from),
    LANG: from.LANG || "C.UTF-8",
    TMPDIR: tmp,
  };
  if (from.USER) env.USER = from.USER;
  for (const name of NETWORK_VARIABLES) if (from[name]) env[name] = from[name];
  return env;
}

function userHome(from: NodeJS.ProcessEnv): string {
  return from.HOME || os.homedir();
}

/** codex with the user's CODEX_HOME (env CODEX_HOME or ~/.codex; codex wants it to exist) and key variables. */
export async function ownCodexEnv(tmp: string, from: NodeJS.ProcessEnv = process.env): Promise<Record<string, string>> {
  const env = base(tmp, from);
  env.CODEX_HOME = path.resolve(from.CODEX_HOME || path.join(userHome(from), ".codex"));
  // What `codex login` would create; the user's login and config live in it and are only read.
  await mkdir(env.CODEX_HOME, { recursive: true });
  for (const name of OWN_KEY_VARIABLES) if (from[name]) env[name] = from[name];
  return env;
}

/** Claude Code with the user's HOME (its login in ~/.claude or CLAUDE_CONFIG_DIR) and key variables. */
export function ownClaudeEnv(tmp: string, from: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env = base(tmp, from);
  if (from.CLAUDE_CONFIG_DIR) env.CLAUDE_CONFIG_DIR = from.CLAUDE_CONFIG_DIR;
  for (const name of OWN_CLAUDE_VARIABLES) if (from[name]) env[name] = from[name];
  return env;
}

/** The values to redact from what the run reports: the keys among the variables given. */
export function ownSecrets(env: Record<string, string>): string[] {
  return [...OWN_KEY_VARIABLES, ...OWN_CLAUDE_VARIABLES]
    .filter((name) => name !== "ANTHROPIC_BASE_URL")
    .map((name) => env[name])
    .filter((value): value is string => !!value);
}

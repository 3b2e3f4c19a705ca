import { constants } from "node:fs";
import { access } from "node:fs/promises";
import { defaultClaudeBinary } from "../agent/claude/binary.js";
import { launcher } from "../agent/codex.js";

export interface AgentBinary {
  agent: "codex" | "claude";
  path: string;
  /** A missing binary fails the health check only when the deployment uses that agent. */
  required: boolean;
}

/**
 * The agent executables a worker of this deployment starts: codex always; claude when its key or binary is
 * configured (else it is reported, but a deployment without Claude is not unhealthy for lacking it).
 */
export function agentBinaries(env: { CODEX_BIN?: string; CLAUDE_BIN?: string; ANTHROPIC_API_KEY?: string }): AgentBinary[] {
  const [file, args] = launcher(env.CODEX_BIN);
  const list: AgentBinary[] = [{ agent: "codex", path: args[0] ?? file, required: true }];
  let claude: string | null = env.CLAUDE_BIN ?? null;
  try {
    claude ??= defaultClaudeBinary();
  } catch {
    // the dependency is not installed: reported as missing below
  }
  list.push({ agent: "claude", path: claude ?? "claude", required: !!(env.CLAUDE_BIN || env.ANTHROPIC_API_KEY) });
  return list;
}

/**
 * Whether each binary is there and executable (a .js launcher: readable). A file-system check, not a run: a
 * health probe every few seconds must not start processes (`codex-dispatch doctor` runs them with --version).
 */
export async function agentBinariesPresent(list: AgentBinary[]): Promise<Record<string, boolean>> {
  const out: Record<string, boolean> = {};
  for (const b of list) {
    const mode = /\.[cm]?js$/.test(b.path) ? constants.R_OK : constants.X_OK;
    out[b.agent] = await access(b.path, mode).then(
      () => true,
      () => false,
    );
  }
  return out;
}

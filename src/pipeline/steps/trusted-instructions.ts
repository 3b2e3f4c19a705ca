import type { AgentBackend } from "../../agent/agent.js";
import { readFileAtRef } from "../../workspace/read-file.js";

// The instructions an agent follows come from the default branch only: maintainers reviewed them there. A pull
// request's own AGENTS.md or CLAUDE.md is data like the rest of its files. Each CLI gets the file it would read
// by itself: codex AGENTS.override.md, else AGENTS.md (codex's own order); Claude Code CLAUDE.md, else AGENTS.md.
// Codex itself caps project docs at 32 KiB; so do we, for both. The text is passed verbatim (Claude gets it
// with --append-system-prompt, so a CLAUDE.md `@path` import is not followed: it would read the checkout).
const MAX_BYTES = 32 * 1024;

/** The default branch's instruction files, read from the mirror; null where a file is absent or empty. */
export interface TrustedInstructions {
  agentsOverride: string | null;
  agents: string | null;
  claude: string | null;
}

export const NO_TRUSTED_INSTRUCTIONS: TrustedInstructions = { agentsOverride: null, agents: null, claude: null };

export async function readTrustedInstructions(mirrorPath: string, defaultBranch: string): Promise<TrustedInstructions> {
  const read = async (name: string) => {
    const bytes = await readFileAtRef(mirrorPath, `refs/heads/${defaultBranch}`, name);
    return bytes?.subarray(0, MAX_BYTES).toString("utf8").trim() || null;
  };
  const [agentsOverride, agents, claude] = await Promise.all([read("AGENTS.override.md"), read("AGENTS.md"), read("CLAUDE.md")]);
  return { agentsOverride, agents, claude };
}

/** The one text the backend's run gets, or null. */
export function instructionsFor(backend: AgentBackend, trusted: TrustedInstructions | null): string | null {
  if (!trusted) return null;
  return backend === "claude" ? (trusted.claude ?? trusted.agents) : (trusted.agentsOverride ?? trusted.agents);
}

import { readFileAtRef } from "../../workspace/read-file.js";

// The instructions an agent follows come from the default branch only: maintainers reviewed them there. A pull
// request's own AGENTS.md is data like the rest of its files. Codex's order is kept: AGENTS.override.md wins
// over AGENTS.md. Codex itself caps project docs at 32 KiB; so do we.
const NAMES = ["AGENTS.override.md", "AGENTS.md"];
const MAX_BYTES = 32 * 1024;

/** The default branch's root AGENTS.override.md or AGENTS.md, read from the mirror; null when it has none. */
export async function readTrustedInstructions(mirrorPath: string, defaultBranch: string): Promise<string | null> {
  for (const name of NAMES) {
    const bytes = await readFileAtRef(mirrorPath, `refs/heads/${defaultBranch}`, name);
    const text = bytes?.subarray(0, MAX_BYTES).toString("utf8").trim();
    if (text) return text;
  }
  return null;
}

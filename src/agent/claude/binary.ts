// Which claude executable the bot starts, and making sure an agent's own user can start it.
//
// `@anthropic-ai/claude-code` installs one native binary (~400 MB, no Node needed) from its platform package
// `@anthropic-ai/claude-code-<platform>`; its postinstall hard-links `bin/claude.exe` to it. The bot starts
// the platform package's binary (it works with `--ignore-scripts` too). Under agent isolation the binary must
// be reachable by the agent's uid: when it is not (an app under /root), it is linked or copied once into the
// machine-wide, root-owned folder codex's binary goes to (agent-binary.ts), and that copy is what agents run.
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { AGENT_BIN_ROOT, unreachable } from "../agent-binary.js";

const PLATFORMS: Record<string, string> = {
  "linux-x64": "@anthropic-ai/claude-code-linux-x64",
  "linux-arm64": "@anthropic-ai/claude-code-linux-arm64",
};

/** The native claude binary of the dependency (its platform package), else the npm package's bin entry. */
export function defaultClaudeBinary(): string {
  const require = createRequire(import.meta.url);
  const pkg = PLATFORMS[`${process.platform}-${process.arch}`];
  if (pkg) {
    try {
      return path.join(path.dirname(require.resolve(`${pkg}/package.json`)), "claude");
    } catch {
      // not installed for this platform: the wrapper's stub explains what is missing
    }
  }
  return path.join(path.dirname(require.resolve("@anthropic-ai/claude-code/package.json")), "bin", "claude.exe");
}

/**
 * The path an isolated agent should run: `binary` when other users can reach it, else a copy under `root`
 * (once per binary, atomically). An operator's CLAUDE_BIN is never copied: it must be reachable as it is.
 */
export async function claudeReachableBinary(binary: string, operatorChosen: boolean, root = AGENT_BIN_ROOT): Promise<string> {
  const problem = await unreachable(binary, "x", operatorChosen ? "CLAUDE_BIN" : "claude");
  if (!problem) return binary;
  if (operatorChosen) throw new Error(`${problem}; set CLAUDE_BIN to a binary every user can run`);
  const st = await fs.stat(binary);
  const id = createHash("sha256").update(`${binary}\0${st.size}\0${st.mtimeMs}`).digest("hex").slice(0, 16);
  const dest = path.join(root, `claude-${id}`);
  const relocated = path.join(dest, "claude");
  if (await fs.stat(relocated).catch(() => null)) return relocated;
  await fs.mkdir(root, { recursive: true, mode: 0o755 });
  await fs.chmod(root, 0o755);
  const tmp = `${dest}.tmp-${process.pid}-${Date.now()}`;
  await fs.mkdir(tmp, { mode: 0o755 });
  await fs.chmod(tmp, 0o755);
  await fs.link(binary, path.join(tmp, "claude")).catch(() => fs.copyFile(binary, path.join(tmp, "claude")));
  await fs.chmod(path.join(tmp, "claude"), 0o755);
  await fs.rename(tmp, dest).catch(async (error: NodeJS.ErrnoException) => {
    // Another process made the same copy first: use theirs.
    await fs.rm(tmp, { recursive: true, force: true });
    if (error.code !== "ENOTEMPTY" && error.code !== "EEXIST") throw error;
  });
  const still = await unreachable(relocated, "x", "the relocated claude");
  if (still) throw new Error(still);
  return relocated;
}

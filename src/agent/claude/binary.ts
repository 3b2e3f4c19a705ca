// Which claude executable the bot starts, and making sure an agent's own user can start it.
//
// `@anthropic-ai/claude-code` installs one native binary (~400 MB, no Node needed) from its platform package
// `@anthropic-ai/claude-code-<os>-<cpu>[-musl]` (an optional dependency); its postinstall hard-links
// `bin/claude.exe` to it. Without the postinstall (`npm ci --ignore-scripts`, as the Dockerfile builds)
// `bin/claude.exe` stays a stub that exits 1, so the bot starts the platform package's binary itself, found
// from the claude-code package (hoisted beside it or nested under it). Under agent isolation the binary must
// be reachable by the agent's uid: when it is not (an app under /root), it is linked or copied once into the
// machine-wide, root-owned folder codex's binary goes to (agent-binary.ts), and that copy is what agents run.
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { AGENT_BIN_ROOT, unreachable } from "../agent-binary.js";

const WRAPPER = "@anthropic-ai/claude-code";
const PLATFORMS = new Set(["linux-x64", "linux-arm64", "linux-x64-musl", "linux-arm64-musl", "darwin-x64", "darwin-arm64"]);

/** `linux-x64`, `linux-arm64-musl`…: the platform package's suffix, as claude-code's own installer names it. */
export function claudePlatform(): string {
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  const musl = process.platform === "linux" && !report?.header?.glibcVersionRuntime;
  return `${process.platform}-${process.arch}${musl ? "-musl" : ""}`;
}

/**
 * The native claude binary of the dependency (its platform package), else the npm package's bin entry (a stub
 * that says what is missing). `from` is where node_modules is looked up from (a file URL or path).
 */
export function defaultClaudeBinary(from: string | URL = import.meta.url, platform = claudePlatform()): string {
  const wrapperJson = createRequire(from).resolve(`${WRAPPER}/package.json`);
  if (PLATFORMS.has(platform)) {
    try {
      // Resolved from the wrapper, so a nested copy (node_modules/@anthropic-ai/claude-code/node_modules/…) is found too.
      return path.join(path.dirname(createRequire(wrapperJson).resolve(`${WRAPPER}-${platform}/package.json`)), "claude");
    } catch {
      // not installed for this platform: the wrapper's stub explains what is missing
    }
  }
  return path.join(path.dirname(wrapperJson), "bin", "claude.exe");
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

// Which codex executable the bot starts, and making sure an agent's own user can start it.
//
// The npm package `@openai/codex` is a small Node launcher that execs a native binary from the platform
// package (`@openai/codex-linux-x64/vendor/<triple>/bin/codex`, with `codex-resources/bwrap` and
// `codex-path/rg` beside it). The bot starts that native binary directly: no Node is needed on the agent's
// side. Under agent isolation the binary runs as an unprivileged uid, which must be able to reach it: an app
// installed under /root or in a `mktemp -d` folder (mode 0700) is out of that uid's reach. Then the vendor
// folder is linked (or copied) once into a machine-wide folder that only root can write and everyone can
// read, and that copy is what agents run. Nothing else of the app is exposed.
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const TRIPLES: Record<string, { pkg: string; triple: string }> = {
  "linux-x64": { pkg: "@openai/codex-linux-x64", triple: "x86_64-unknown-linux-musl" },
  "linux-arm64": { pkg: "@openai/codex-linux-arm64", triple: "aarch64-unknown-linux-musl" },
};

/** Root-owned, world-readable home of relocated agent binaries (one folder per binary version). */
export const AGENT_BIN_ROOT = "/var/lib/codex-dispatch/agent-bin";

/** The native codex binary of the `@openai/codex` dependency, or its Node launcher where none is found. */
export function defaultCodexBinary(): string {
  const require = createRequire(import.meta.url);
  const target = TRIPLES[`${process.platform}-${process.arch}`];
  if (target) {
    try {
      const vendor = path.join(path.dirname(require.resolve(`${target.pkg}/package.json`)), "vendor", target.triple);
      return path.join(vendor, "bin", "codex");
    } catch {
      // not installed for this platform: the launcher explains what is missing
    }
  }
  return require.resolve("@openai/codex/bin/codex.js");
}

/** Why another user could not reach `target` (o+x on every folder above it, `need` on itself), or null. */
export async function unreachable(target: string, need: "x" | "r", what: string): Promise<string | null> {
  const describe = (p: string, m: number) =>
    `${what} ${target} is out of reach of the agent's user: ${p} has mode ${(m & 0o777).toString(8).padStart(4, "0")} (chmod o+${p === target ? need : "x"} it, or move it)`;
  const st = await fs.stat(target).catch(() => null);
  if (!st) return `${what} ${target} does not exist`;
  if (!(st.mode & (need === "x" ? 0o001 : 0o004))) return describe(target, st.mode);
  for (let dir = path.dirname(target); ; dir = path.dirname(dir)) {
    const { mode } = await fs.stat(dir);
    if (!(mode & 0o001)) return describe(dir, mode);
    if (dir === path.dirname(dir)) return null;
  }
}

/**
 * The path agents should run: `binary` itself when their uid can reach it, else a copy of its vendor folder
 * under `root` (made once per binary, atomically, hard links where the file system allows). Only the native
 * binary of the dependency is relocated; a CODEX_BIN of the operator's must be reachable as it is.
 */
export async function agentReachableBinary(binary: string, root = AGENT_BIN_ROOT): Promise<string> {
  if (!(await unreachable(binary, "x", "codex"))) return binary;
  const vendor = path.dirname(path.dirname(binary));
  if (path.basename(path.dirname(binary)) !== "bin" || !(await fs.stat(path.join(vendor, "codex-resources")).catch(() => null))) {
    throw new Error(`${(await unreachable(binary, "x", "CODEX_BIN")) ?? binary}; set CODEX_BIN to a binary every user can run`);
  }
  const st = await fs.stat(binary);
  const id = createHash("sha256").update(`${binary}\0${st.size}\0${st.mtimeMs}`).digest("hex").slice(0, 16);
  const dest = path.join(root, id);
  const relocated = path.join(dest, "bin", path.basename(binary));
  if (await fs.stat(relocated).catch(() => null)) return relocated;
  await fs.mkdir(root, { recursive: true, mode: 0o755 });
  for (let dir = root; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (dir.startsWith(path.dirname(AGENT_BIN_ROOT))) await fs.chmod(dir, 0o755);
  }
  const tmp = `${dest}.tmp-${process.pid}-${Date.now()}`;
  await copyTree(vendor, tmp);
  await fs.rename(tmp, dest).catch(async (error: NodeJS.ErrnoException) => {
    // Another process made the same copy first: use theirs.
    await fs.rm(tmp, { recursive: true, force: true });
    if (error.code !== "ENOTEMPTY" && error.code !== "EEXIST") throw error;
  });
  const problem = await unreachable(relocated, "x", "the relocated codex");
  if (problem) throw new Error(problem);
  return relocated;
}

async function copyTree(from: string, to: string): Promise<void> {
  await fs.mkdir(to, { mode: 0o755 });
  await fs.chmod(to, 0o755);
  for (const entry of await fs.readdir(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    const dst = path.join(to, entry.name);
    if (entry.isDirectory()) await copyTree(src, dst);
    else if (entry.isFile()) {
      const mode = (await fs.stat(src)).mode & 0o755;
      // A hard link shares the inode and its mode, not the folder's: cheap, and reachable here.
      await fs.link(src, dst).catch(() => fs.copyFile(src, dst));
      await fs.chmod(dst, mode | 0o444);
    }
  }
}

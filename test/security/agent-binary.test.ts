import { chmod, link, mkdir, mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { agentReachableBinary, defaultCodexBinary, unreachable } from "../../src/agent/agent-binary.js";

// Finding 2: isolation must not depend on where the app is installed. An app cloned into a folder an agent's
// uid cannot traverse (/root/…, a `mktemp -d` folder, mode 0700) still runs every agent under its own uid:
// the dependency's codex vendor folder is linked into a root-owned folder everyone can read.
const AGENT_UID = 200_999;
let root: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "agent-bin-"));
  await chmod(root, 0o711);
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** An app installed where only root can go: its own vendor folder, linked from the real dependency. */
async function installPrivately(): Promise<string> {
  const vendor = path.dirname(path.dirname(defaultCodexBinary()));
  const app = path.join(root, "private-app");
  await mkdir(app, { mode: 0o700 });
  await chmod(app, 0o700);
  const copy = async (from: string, to: string) => {
    await mkdir(to, { recursive: true });
    for (const e of await readdir(from, { withFileTypes: true })) {
      if (e.isDirectory()) await copy(path.join(from, e.name), path.join(to, e.name));
      else await link(path.join(from, e.name), path.join(to, e.name));
    }
  };
  await copy(vendor, path.join(app, "vendor"));
  return path.join(app, "vendor", "bin", "codex");
}

describe.runIf(process.getuid?.() === 0)("the agent's codex binary", () => {
  it("[S2.1] an app installed in a 0700 folder (a mktemp -d clone, /root/…) → agents still run codex, from a root-owned copy they can reach", async () => {
    const hidden = await installPrivately();
    expect(await unreachable(hidden, "x", "codex")).toMatch(/has mode 0700/);
    // The agent's uid cannot run the app's own copy…
    const direct = await execa(hidden, ["--version"], { uid: AGENT_UID, gid: AGENT_UID, reject: false });
    expect(direct.exitCode).not.toBe(0);
    // …but can run the relocated one, with bwrap and rg beside it.
    const binRoot = path.join(root, "agent-bin");
    const relocated = await agentReachableBinary(hidden, binRoot);
    expect(relocated.startsWith(binRoot)).toBe(true);
    expect(await unreachable(relocated, "x", "codex")).toBeNull();
    const run = await execa(relocated, ["--version"], {
      uid: AGENT_UID,
      gid: AGENT_UID,
      reject: false,
      env: { PATH: "/usr/bin:/bin" },
      extendEnv: false,
    });
    expect(run.stdout).toMatch(/^codex-cli \d+\.\d+/);
    expect((await stat(path.join(path.dirname(path.dirname(relocated)), "codex-resources", "bwrap"))).mode & 0o005).toBe(0o005);
    // Made once: a second start reuses it.
    expect(await agentReachableBinary(hidden, binRoot)).toBe(relocated);
    expect(await readdir(binRoot)).toHaveLength(1);
  });

  it("[S2.2] a reachable install is used as it is, nothing copied", async () => {
    const hidden = await installPrivately();
    // The same install, now in a folder every user may traverse.
    await chmod(path.join(root, "private-app"), 0o755);
    expect(await unreachable(hidden, "x", "codex")).toBeNull();
    expect(await agentReachableBinary(hidden, path.join(root, "unused"))).toBe(hidden);
    expect(await stat(path.join(root, "unused")).catch(() => null)).toBeNull();
  });
});

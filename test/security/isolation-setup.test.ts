import { chmod, mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readIsolationSettings, setUpAgentIsolation } from "../../src/agent/isolation.js";
import { prepareWorkspace } from "../../src/workspace/layout.js";

// What the process does at start: decide, fix the modes of the data and workspace dirs, and say so.
let root: string;
let warnings: string[];
const log = { info: () => undefined, warn: (_: object, msg: string) => void warnings.push(msg) };
const mode = async (p: string) => (await stat(p)).mode & 0o777;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "iso-setup-"));
  await chmod(root, 0o711);
  warnings = [];
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("isolation settings", () => {
  it("refuse an unknown mode and overlapping id ranges with a message naming the variable", () => {
    expect(() => readIsolationSettings({ AGENT_ISOLATION: "yes" })).toThrow(/AGENT_ISOLATION must be "auto", "uid" or "off"/);
    expect(() => readIsolationSettings({ AGENT_UID_BASE: "300000" })).toThrow(/must not overlap/);
    expect(readIsolationSettings({ AGENT_ISOLATION: "" })).toMatchObject({ AGENT_ISOLATION: "auto", AGENT_UID_BASE: 200_000 });
  });
});

describe("setUpAgentIsolation", () => {
  const dirs = () => ({ dataDir: path.join(root, "data"), workspaceDir: path.join(root, "data", "workspace") });

  it("says once that the agent runs as the bot's own user when it is off or the process is not root", async () => {
    expect(await setUpAgentIsolation({ env: { AGENT_ISOLATION: "off" }, ...dirs(), log })).toBeNull();
    expect(await setUpAgentIsolation({ env: {}, ...dirs(), log, isRoot: false })).toBeNull();
    expect(warnings).toHaveLength(2);
    for (const w of warnings) expect(w).toContain("the agent runs as the bot's own user");
  });

  it("refuses AGENT_ISOLATION=uid without root", async () => {
    await expect(setUpAgentIsolation({ env: { AGENT_ISOLATION: "uid" }, ...dirs(), log, isRoot: false })).rejects.toThrow(
      /needs the process to run as root/,
    );
  });

  it("as root: the data dir keeps only a way through to the workspace, everything else in it private", async () => {
    const { dataDir, workspaceDir } = dirs();
    await mkdir(path.join(dataDir, "pglite"), { recursive: true, mode: 0o755 });
    await writeFile(path.join(dataDir, "notes.txt"), "x", { mode: 0o644 });
    const isolation = await setUpAgentIsolation({ env: {}, dataDir, workspaceDir, log });
    expect(isolation).not.toBeNull();
    expect(await mode(dataDir)).toBe(0o711);
    expect(await mode(path.join(dataDir, "pglite"))).toBe(0o700);
    expect(await mode(path.join(dataDir, "notes.txt"))).toBe(0o600);
    expect(await mode(workspaceDir)).toBe(0o711);
    // The folders inside are the workspace's: it makes them, as the runtime does right after.
    await prepareWorkspace(workspaceDir, isolation);
    for (const d of [workspaceDir, path.join(workspaceDir, "jobs"), path.join(workspaceDir, "mirrors")])
      expect(await mode(d), d).toBe(0o711);
  });

  it("as root: a data dir without the workspace inside is closed entirely", async () => {
    const dataDir = path.join(root, "data");
    await mkdir(dataDir, { mode: 0o755 });
    await setUpAgentIsolation({ env: {}, dataDir, workspaceDir: path.join(root, "ws"), log });
    expect(await mode(dataDir)).toBe(0o700);
  });

  it("with uid, fails at start naming the directory when the agent's user could not reach the workspace; auto turns off", async () => {
    const closed = path.join(root, "closed");
    await mkdir(closed, { mode: 0o700 });
    await chmod(closed, 0o700);
    const where = { dataDir: path.join(root, "d"), workspaceDir: path.join(closed, "ws"), log };
    await expect(setUpAgentIsolation({ env: { AGENT_ISOLATION: "uid" }, ...where })).rejects.toThrow(new RegExp(`${closed} has mode 0700`));
    expect(await setUpAgentIsolation({ env: {}, ...where })).toBeNull();
    expect(warnings).toEqual([expect.stringMatching(new RegExp(`agent isolation is off \\(WORKSPACE_DIR .*${closed} has mode 0700`))]);
  });

  it("with uid, fails at start when the agent's user could not run CODEX_BIN; auto turns off", async () => {
    const closed = path.join(root, "bin");
    await mkdir(closed, { mode: 0o700 });
    await chmod(closed, 0o700);
    const bin = path.join(closed, "codex");
    await writeFile(bin, "#!/bin/sh\n", { mode: 0o755 });
    await expect(setUpAgentIsolation({ env: { AGENT_ISOLATION: "uid" }, ...dirs(), codexBin: bin, log })).rejects.toThrow(
      /CODEX_BIN .* is out of reach of the agent's user/,
    );
    expect(await setUpAgentIsolation({ env: {}, ...dirs(), codexBin: bin, log })).toBeNull();
    expect(warnings).toEqual([expect.stringContaining("agent isolation is off (CODEX_BIN")]);
    await chmod(closed, 0o711);
    expect(await setUpAgentIsolation({ env: { AGENT_ISOLATION: "uid" }, ...dirs(), codexBin: bin, log })).not.toBeNull();
  });

  it("warns when the private key file is readable by others, and not when it is 0600", async () => {
    const key = path.join(root, "key.pem");
    await writeFile(key, "k", { mode: 0o600 });
    await setUpAgentIsolation({ env: {}, ...dirs(), privateKeyPath: key, log });
    expect(warnings.filter((w) => w.includes(key))).toEqual([]);
    await chmod(key, 0o644);
    await setUpAgentIsolation({ env: {}, ...dirs(), privateKeyPath: key, log });
    expect(warnings.filter((w) => w.includes(key))).toEqual([expect.stringContaining("readable by other users, including the agent's")]);
  });
});

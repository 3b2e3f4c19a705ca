import { execFile, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { chmod, link, mkdir, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgentIsolation, readIsolationSettings } from "../../src/agent/isolation.js";
import { waitFor } from "../helpers/codex.js";

// What one agent run's lease does to processes and files, checked with real uids (the tests run as root).
const run = promisify(execFile);
let root: string;
let isolation: AgentIsolation;

async function newJobDir(): Promise<string> {
  const dir = path.join(root, "jobs", randomUUID());
  await mkdir(path.join(dir, "repo"), { recursive: true });
  await writeFile(path.join(dir, "repo", "file.txt"), "x\n");
  return dir;
}

beforeAll(async () => {
  if (process.getuid?.() !== 0) throw new Error("the isolation tests need root (CI and the container run as root)");
  root = await mkdtemp(path.join(tmpdir(), "lease-"));
  await chmod(root, 0o711);
  isolation = new AgentIsolation(readIsolationSettings({}), 0, 0);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("an agent lease", () => {
  it("gives concurrent runs different uids from the range and frees them on release", async () => {
    const dirs = await Promise.all([newJobDir(), newJobDir(), newJobDir()]);
    const leases = await Promise.all(dirs.map((jobDir) => isolation.lease({ jobDir, cwd: path.join(jobDir, "repo") })));
    const uids = leases.map((l) => l.uid);
    expect(new Set(uids).size).toBe(3);
    for (const uid of uids) expect(uid).toBeGreaterThanOrEqual(200_000);
    const claims = await readdir("/run/codex-dispatch/agent-uids");
    for (const uid of uids) expect(claims).toContain(String(uid));
    await Promise.all(leases.map((l) => l.release()));
    const after = await readdir("/run/codex-dispatch/agent-uids");
    for (const uid of uids) expect(after).not.toContain(String(uid));
  });

  it("hands the job dir (and a cwd outside it) to the uid for the run, and back to the bot after", async () => {
    const jobDir = await newJobDir();
    const outside = path.join(root, `cwd-${randomUUID()}`);
    await mkdir(outside);
    await writeFile(path.join(outside, "a.txt"), "a\n");
    const lease = await isolation.lease({ jobDir, cwd: outside });
    for (const p of [jobDir, path.join(jobDir, "repo", "file.txt"), path.join(outside, "a.txt")]) {
      expect((await stat(p)).uid, p).toBe(lease.uid);
    }
    expect((await stat(jobDir)).mode & 0o777).toBe(0o700);
    // A file the agent makes, set-uid even, comes back to the bot without the bit.
    await writeFile(path.join(jobDir, "repo", "made.sh"), "#!/bin/sh\n", { mode: 0o4755 });
    await lease.release();
    for (const p of [jobDir, path.join(jobDir, "repo", "file.txt"), path.join(jobDir, "repo", "made.sh"), path.join(outside, "a.txt")]) {
      expect((await stat(p)).uid, p).toBe(0);
    }
    expect((await stat(path.join(jobDir, "repo", "made.sh"))).mode & 0o6000).toBe(0);
  });

  it("never gives away a file that a hard link ties to a place outside the job dir", async () => {
    const jobDir = await newJobDir();
    const precious = path.join(root, `precious-${randomUUID()}`);
    await writeFile(precious, "bot's\n", { mode: 0o600 });
    await link(precious, path.join(jobDir, "repo", "linked"));
    const lease = await isolation.lease({ jobDir, cwd: path.join(jobDir, "repo") });
    expect((await stat(precious)).uid).toBe(0);
    await lease.release();
  });

  it("kills what the agent left running under its uid (outside its process group too) on release", async () => {
    const jobDir = await newJobDir();
    const lease = await isolation.lease({ jobDir, cwd: path.join(jobDir, "repo") });
    const escaped = spawn("sleep", ["300"], { uid: lease.uid, gid: lease.gid, detached: true, stdio: "ignore" });
    escaped.unref();
    expect(escaped.pid).toBeGreaterThan(0);
    await lease.release();
    expect(await waitFor(() => escaped.exitCode !== null || escaped.signalCode !== null, 3000)).toBe(true);
    expect(escaped.signalCode).toBe("SIGKILL");
  });

  it("cannot read the environment of the bot's processes, which the bot itself can", async () => {
    const secret = `S${randomUUID()}`;
    const app = spawn("sleep", ["300"], { env: { APP_SECRET: secret }, stdio: "ignore" });
    try {
      const jobDir = await newJobDir();
      const lease = await isolation.lease({ jobDir, cwd: path.join(jobDir, "repo") });
      try {
        const asBot = await run("cat", [`/proc/${app.pid}/environ`]);
        expect(asBot.stdout).toContain(secret);
        const asAgent = await run("cat", [`/proc/${app.pid}/environ`], { uid: lease.uid, gid: lease.gid }).catch(
          (e: { stdout: string; stderr: string }) => e,
        );
        expect(asAgent.stderr).toContain("Permission denied");
        expect(asAgent.stdout).not.toContain(secret);
      } finally {
        await lease.release();
      }
    } finally {
      app.kill("SIGKILL");
    }
  });

  it("gives a worktree's agent its repository's gid, one per mirror, kept across restarts", async () => {
    const mirrors = path.join(root, "mirrors", "acme");
    await mkdir(path.join(mirrors, "alpha.git"), { recursive: true });
    await mkdir(path.join(mirrors, "beta.git"), { recursive: true });
    const alphaGid = await isolation.protectMirror(path.join(mirrors, "alpha.git"));
    const betaGid = await isolation.protectMirror(path.join(mirrors, "beta.git"));
    expect(alphaGid).not.toBe(betaGid);
    expect(await stat(path.join(mirrors, "alpha.git"))).toMatchObject({ uid: 0, gid: alphaGid });
    expect((await stat(path.join(mirrors, "alpha.git"))).mode & 0o777).toBe(0o750);
    expect((await stat(mirrors)).mode & 0o777).toBe(0o711);
    // A new process (a new AgentIsolation) finds the same gid on the mirror.
    const restarted = new AgentIsolation(readIsolationSettings({}), 0, 0);
    expect(await restarted.protectMirror(path.join(mirrors, "alpha.git"))).toBe(alphaGid);

    const jobDir = await newJobDir();
    await restarted.bindWorktree(path.join(jobDir, "repo"), path.join(mirrors, "beta.git"));
    const lease = await restarted.lease({ jobDir, cwd: path.join(jobDir, "repo") });
    expect(lease.gid).toBe(betaGid);
    expect((await stat(path.join(jobDir, "repo", "file.txt"))).gid).toBe(betaGid);
    await lease.release();
    // Without a repository (no bound worktree) the run's group is its own uid, which is no repository's gid.
    const plain = await newJobDir();
    const own = await restarted.lease({ jobDir: plain, cwd: path.join(plain, "repo") });
    expect(own.gid).toBe(own.uid);
    await own.release();
  });
});

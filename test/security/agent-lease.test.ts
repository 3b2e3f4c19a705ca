import { execFile, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { chmod, link, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgentIsolation, readIsolationSettings } from "../../src/agent/isolation.js";
import { describeMirror, jobDirPaths, mirrorPathFor, type JobDir } from "../../src/workspace/layout.js";
import { waitFor } from "../helpers/codex.js";

// What one agent run's lease does to processes and files, checked with real uids (the tests run as root).
const run = promisify(execFile);
let root: string;
let isolation: AgentIsolation;

// Paths as the workspace makes them (workspace/layout.ts): the lease is only ever given paths.
async function newJobDir(): Promise<JobDir> {
  const job = jobDirPaths(root, randomUUID());
  await mkdir(job.repo, { recursive: true });
  await writeFile(path.join(job.repo, "file.txt"), "x\n");
  return job;
}

const leaseFor = (job: JobDir, cwd = job.repo, by = isolation) => by.lease({ jobDir: job.dir, cwd, home: job.home });

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
    const leases = await Promise.all(dirs.map((job) => leaseFor(job)));
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
    const job = await newJobDir();
    const outside = path.join(root, `cwd-${randomUUID()}`);
    await mkdir(outside);
    await writeFile(path.join(outside, "a.txt"), "a\n");
    const lease = await leaseFor(job, outside);
    for (const p of [job.dir, path.join(job.repo, "file.txt"), path.join(outside, "a.txt")]) {
      expect((await stat(p)).uid, p).toBe(lease.uid);
    }
    expect((await stat(job.dir)).mode & 0o777).toBe(0o700);
    // Its git may read the worktree, whose git dir the bot owns: safe.directory names it, in the HOME given.
    expect(await readFile(path.join(job.home, ".gitconfig"), "utf8")).toContain(`directory = "${outside}"`);
    // A file the agent makes, set-uid even, comes back to the bot without the bit.
    await writeFile(path.join(job.repo, "made.sh"), "#!/bin/sh\n", { mode: 0o4755 });
    await lease.release();
    for (const p of [job.dir, path.join(job.repo, "file.txt"), path.join(job.repo, "made.sh"), path.join(outside, "a.txt")]) {
      expect((await stat(p)).uid, p).toBe(0);
    }
    expect((await stat(path.join(job.repo, "made.sh"))).mode & 0o6000).toBe(0);
  });

  it("never gives away a file that a hard link ties to a place outside the job dir", async () => {
    const job = await newJobDir();
    const precious = path.join(root, `precious-${randomUUID()}`);
    await writeFile(precious, "bot's\n", { mode: 0o600 });
    await link(precious, path.join(job.repo, "linked"));
    const lease = await leaseFor(job);
    expect((await stat(precious)).uid).toBe(0);
    await lease.release();
  });

  it("kills what the agent left running under its uid (outside its process group too) on release", async () => {
    const lease = await leaseFor(await newJobDir());
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
      const lease = await leaseFor(await newJobDir());
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
    const alpha = describeMirror(mirrorPathFor(root, "acme/alpha"));
    const beta = describeMirror(mirrorPathFor(root, "acme/beta"));
    for (const m of [alpha, beta]) await mkdir(m.path, { recursive: true });
    const alphaGid = await isolation.protectMirror(alpha);
    const betaGid = await isolation.protectMirror(beta);
    expect(alphaGid).not.toBe(betaGid);
    expect(await stat(alpha.path)).toMatchObject({ uid: 0, gid: alphaGid });
    expect((await stat(alpha.path)).mode & 0o777).toBe(0o750);
    // A new process (a new AgentIsolation) finds the same gid on the mirror.
    const restarted = new AgentIsolation(readIsolationSettings({}), 0, 0);
    expect(await restarted.protectMirror(alpha)).toBe(alphaGid);

    const job = await newJobDir();
    await restarted.bindWorktree(job.repo, beta);
    const lease = await leaseFor(job, job.repo, restarted);
    expect(lease.gid).toBe(betaGid);
    expect((await stat(path.join(job.repo, "file.txt"))).gid).toBe(betaGid);
    await lease.release();
    // Without a repository (no bound worktree) the run's group is its own uid, which is no repository's gid.
    const own = await leaseFor(await newJobDir(), undefined, restarted);
    expect(own.gid).toBe(own.uid);
    await own.release();
  });
});

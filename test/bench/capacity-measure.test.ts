import { spawn } from "node:child_process";
import { promises as fs } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diskUsage } from "../../bench/lib/capacity-disk.js";
import { TreeMonitor, type TreeRun } from "../../bench/lib/capacity-monitor.js";

// The capacity bench's measuring parts against processes whose cost is known: they must see real memory and
// real CPU, including those of grandchildren (an agent's commands run below the agent).

async function measure(command: string, args: string[]): Promise<TreeRun> {
  const child = spawn(command, args, { stdio: "ignore" });
  const monitor = new TreeMonitor({ parent: process.pid, isRoot: (p) => p.pid === child.pid, intervalMs: 20 });
  monitor.start();
  await new Promise((resolve, reject) => child.on("exit", resolve).on("error", reject));
  const runs = monitor.stop();
  expect(runs).toHaveLength(1);
  return runs[0];
}

const node = process.execPath;
// Touching every page makes the 100 MB resident; the process then waits so that samples see it.
const ALLOCATE = "const b = Buffer.alloc(100 * 1024 * 1024, 1); setTimeout(() => console.log(b[0]), 600);";
// Busy for 0.6 s of its own CPU time, not of wall time: on a loaded machine a wall-clock loop gets less CPU.
const BUSY =
  "let x = 0; for (;;) { const u = process.cpuUsage(); if (u.user + u.system > 600000) break; for (let i = 0; i < 1e5; i++) x++; } console.log(x);";

describe("TreeMonitor", () => {
  it("sees the peak RSS of a process that allocates 100 MB", async () => {
    const run = await measure(node, ["-e", ALLOCATE]);
    expect(run.peakRssKb / 1024).toBeGreaterThanOrEqual(100);
    expect(run.peakHwmKb).toBeGreaterThanOrEqual(run.peakRssKb);
    // the 100 MB are the process's own (anonymous) memory, not pages of a file it maps
    expect(run.peakAnonKb / 1024).toBeGreaterThanOrEqual(100);
    expect(run.peakFileKb).toBeLessThan(run.peakAnonKb);
    expect(run.hwmSumKb).toBeGreaterThanOrEqual(run.peakHwmKb);
    // and not something absurd: node itself is ~40-60 MB
    expect(run.peakRssKb / 1024).toBeLessThan(400);
  });

  it("counts the CPU seconds of a busy loop", async () => {
    const run = await measure(node, ["-e", BUSY]);
    expect(run.cpuS).toBeGreaterThan(0.3);
    expect(run.cpuS).toBeLessThan(5);
  });

  it("counts a grandchild's CPU and memory, under a shell that waits for it", async () => {
    const script = `"${node}" -e '${BUSY}'; "${node}" -e '${ALLOCATE}'`;
    const run = await measure("/bin/sh", ["-c", script]);
    expect(run.comm).toBe("sh");
    expect(run.processes).toBeGreaterThanOrEqual(3);
    expect(run.cpuS).toBeGreaterThan(0.3);
    expect(run.peakRssKb / 1024).toBeGreaterThanOrEqual(100);
  });

  it("an idle process costs next to no CPU", async () => {
    const run = await measure("/bin/sleep", ["0.5"]);
    expect(run.cpuS).toBeLessThan(0.1);
    expect(run.wallS).toBeGreaterThan(0.3);
  });
});

describe("diskUsage", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(tmpdir(), "capacity-du-"));
    await fs.mkdir(path.join(dir, "a/b"), { recursive: true });
    await fs.writeFile(path.join(dir, "a/b/big"), Buffer.alloc(5 * 1024 * 1024, 7));
    await fs.writeFile(path.join(dir, "small"), "x");
    await fs.link(path.join(dir, "a/b/big"), path.join(dir, "hardlink"));
    await fs.symlink("/usr", path.join(dir, "outside"));
  });
  afterAll(() => fs.rm(dir, { recursive: true, force: true }));

  it("counts allocated blocks, a hard-linked file once, and does not follow symlinks", () => {
    const du = diskUsage(dir);
    expect(du.bytes).toBeGreaterThanOrEqual(5 * 1024 * 1024);
    expect(du.bytes).toBeLessThan(6 * 1024 * 1024);
    expect(du.files).toBe(3); // big (once), small, the symlink
  });

  it("a directory that does not exist takes nothing", () => {
    expect(diskUsage(path.join(dir, "gone"))).toEqual({ bytes: 0, files: 0 });
  });
});

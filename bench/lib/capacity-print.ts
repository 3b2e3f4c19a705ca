// The capacity bench's report: one row per job, then the per-run figures and the bound they give.
import { mb } from "./capacity-disk.js";
import type { Capacity, Machine } from "./capacity-formula.js";
import type { JobFigures } from "./capacity-job.js";

export function printRuns(runs: JobFigures[]): void {
  const head = [
    "job",
    "outcome",
    "job wall s",
    "agent wall s",
    "agent CPU s",
    "agent MB (RSS / ΣHWM / private)",
    "procs",
    "worktree MB",
    "job dir MB",
    "mirror MB",
    "bot CPU s",
    "children CPU s",
  ];
  const rows = runs.map((r) => {
    const a = r.agents;
    const total = (f: (x: (typeof a)[number]) => number) => a.reduce((s, x) => s + f(x), 0);
    return [
      r.kind,
      r.outcome,
      r.wallS.toFixed(1),
      total((x) => x.wallS).toFixed(1),
      total((x) => x.cpuS).toFixed(2),
      `${(Math.max(0, ...a.map((x) => x.peakRssKb)) / 1024).toFixed(0)} / ${(Math.max(0, ...a.map((x) => x.peakHwmKb)) / 1024).toFixed(0)} / ${(Math.max(0, ...a.map((x) => x.peakAnonKb)) / 1024).toFixed(0)}`,
      String(total((x) => x.processes)),
      `${mb(r.worktree.bytes)} (${r.worktree.files} files)`,
      String(mb(r.jobDir.bytes)),
      String(mb(r.mirror.bytes)),
      r.botCpuS.toFixed(2),
      r.childrenCpuS.toFixed(2),
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => "| " + cells.map((c, i) => c.padEnd(widths[i])).join(" | ") + " |";
  console.log(line(head));
  console.log("|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|");
  for (const r of rows) console.log(line(r));
}

export function printCapacity(f: Record<string, number>, c: Capacity, m: Machine, agentRuns: number): void {
  console.log("");
  console.log(`per agent run (${agentRuns} runs; memory and disk: the largest, CPU: the mean)`);
  console.log(`  agent peak RSS  ${f.agent_peak_rss_mb} MB (Σ VmHWM of the codex tree's processes alive together), of which`);
  console.log(
    `                  ${f.agent_private_mb} MB private (paid per run) and ${f.agent_shared_mb} MB file-backed (the codex binary: shared)`,
  );
  console.log(`  agent CPU       ${f.agent_cpu_s} s, bot CPU besides the agent ${f.bot_cpu_s_per_run} s (queue, GitHub calls, git)`);
  console.log(`  disk            worktree ${f.worktree_mb} MB, job dir ${f.job_dir_mb} MB; mirror ${f.mirror_mb} MB per repository (kept)`);
  console.log(
    `  worker process  ${f.worker_rss_mb} MB peak RSS (${f.worker_rss_start_mb} MB at start; this process holds the web role and both stand-ins too)`,
  );
  console.log("");
  console.log("The model is scripted and answers at once: the agent's wall time here is not a real run's. A real model's");
  console.log("run spends most of its time waiting for the model (CPU low, wall long), so the CPU bound assumes a wall");
  console.log(
    `time of ${m.realWallS} s per run (CAPACITY_REAL_WALL_S) and fills ${Math.round(m.cpuTarget * 100)}% of the cores (CAPACITY_CPU_TARGET).`,
  );
  console.log(`one worker, ${m.cores} cores / ${Math.round(m.memoryMb / 1024)} GiB, ${m.osReserveMb} MB kept for the OS:`);
  console.log(
    `  memory bound  ⌊(${m.memoryMb} − ${m.osReserveMb} − ${f.worker_rss_mb} − ${f.agent_shared_mb}) / ${f.agent_private_mb}⌋ = ${c.memoryBound} runs`,
  );
  console.log(
    `  CPU bound     ⌊${m.cores} × ${m.cpuTarget} / ((${f.agent_cpu_s} + ${f.bot_cpu_s_per_run}) / ${m.realWallS})⌋ = ${c.cpuBound} runs (one run keeps ${(c.coresPerRun * 100).toFixed(2)}% of a core busy)`,
  );
  console.log(`  runs per worker = ${c.runsPerWorker} (bound by ${c.boundBy}); WORKER_CONCURRENCY accepts at most 32 today`);
}

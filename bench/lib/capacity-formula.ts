// How many agent runs one worker machine holds at once, from what one run was measured to cost.
//
// A run holds memory for its whole duration, so memory is a hard bound. Of an agent's resident memory, the
// file-backed part is mostly the pages of the codex binary (~300 MB on disk), which the page cache holds once for
// every run that maps it; only the private part is paid per run:
//     memory_bound = ⌊(RAM − OS reserve − worker RSS − shared pages once) / private memory of one agent run⌋
// CPU is shared in time: a run that uses C CPU seconds over a wall time T keeps C/T of a core busy on average,
// so n runs together keep n·C/T cores busy, and the bound is where that reaches the share of the cores we are
// willing to fill (headroom for moments when several agents run their commands at once):
//     cpu_bound = ⌊cores × cpu_target / (C / T)⌋
// The bench's model answers at once, so its T is not a real run's: with a real model a run waits for the
// model most of its time (CPU low, wall long). T is therefore an assumption (a real model's median run),
// printed with the result; C is measured (the agent's tree plus the bot's own work for the job).
//     runs_per_worker = min(memory_bound, cpu_bound)

export interface Machine {
  cores: number;
  memoryMb: number;
  /** Kernel, system daemons, and page cache so that git's reads of mirrors stay in memory. */
  osReserveMb: number;
  /** Share of the cores to fill on average. */
  cpuTarget: number;
  /** Wall time of one agent run with a real model (assumed: not measurable with a scripted one). */
  realWallS: number;
}

export const WORKER_MACHINE: Machine = { cores: 2, memoryMb: 24 * 1024, osReserveMb: 2048, cpuTarget: 0.7, realWallS: 180 };

export interface PerRun {
  /** Private memory of one run's process tree at its peak (anonymous pages). */
  agentPrivateMb: number;
  /** File-backed pages of the tree (the binary's text): counted once per machine. */
  sharedMb: number;
  /** Agent tree CPU plus the bot's CPU for the job (its own process and its git children). */
  cpuS: number;
  workerRssMb: number;
}

export interface Capacity {
  memoryBound: number;
  cpuBound: number;
  /** Cores one run keeps busy on average (C / T). */
  coresPerRun: number;
  runsPerWorker: number;
  boundBy: "memory" | "cpu";
}

export function capacityOf(run: PerRun, m: Machine = WORKER_MACHINE): Capacity {
  if (run.agentPrivateMb <= 0 || run.cpuS <= 0) throw new Error("capacityOf: a run must cost some memory and some CPU");
  const memoryBound = Math.floor((m.memoryMb - m.osReserveMb - run.workerRssMb - run.sharedMb) / run.agentPrivateMb);
  const coresPerRun = run.cpuS / m.realWallS;
  // + 1e-9: 2 × 0.7 × 180 is 251.99999999999997 in floating point, and a bound of 252 must not print as 251.
  const cpuBound = Math.floor((m.cores * m.cpuTarget) / coresPerRun + 1e-9);
  const runsPerWorker = Math.max(0, Math.min(memoryBound, cpuBound));
  return { memoryBound, cpuBound, coresPerRun, runsPerWorker, boundBy: memoryBound <= cpuBound ? "memory" : "cpu" };
}

// Watches the process trees started under one parent (the agent runs the bench starts) and adds up, per tree,
// its peak memory and its CPU time, by sampling /proc. Each tree is followed from its root: an agent run under an
// isolation uid, its sandbox helpers and the commands it runs are all below the process the bot spawned.
import { childPids, readProc, treeOf, type ProcSample } from "./capacity-proc.js";

export interface TreeRun {
  rootPid: number;
  comm: string;
  /** Seconds between the first and the last sample that saw the root alive. */
  wallS: number;
  /**
   * CPU seconds of the whole tree: the largest, over samples, of Σ (utime+stime+cutime+cstime) of the processes
   * alive in it. A process that exits is reaped by its parent, whose cutime/cstime then hold its time, so the
   * sum counts every process of the tree once, short-lived ones included; what is lost is the root's own last
   * interval before it exits (at most one sampling interval).
   */
  cpuS: number;
  /** The largest Σ RSS of the tree seen in one sample: memory the tree held at one moment. */
  peakRssKb: number;
  /**
   * The largest, over samples, of Σ VmHWM of the processes alive together: each at its own peak, so a peak that
   * fell between two samples still counts. The figure the bench uses for memory per run.
   */
  peakHwmKb: number;
  /** The largest Σ private memory (RssAnon + RssShmem) of the tree in one sample: what each extra run adds. */
  peakAnonKb: number;
  /** The largest Σ file-backed resident memory in one sample: the codex binary's pages, shared between runs. */
  peakFileKb: number;
  /**
   * Σ over every process the tree ever had of its own high-water mark (VmHWM): an upper bound of the tree's
   * peak that no sampling interval can miss (it adds processes that were never alive together).
   */
  hwmSumKb: number;
  processes: number;
  samples: number;
}

interface Tracking extends TreeRun {
  firstMs: number;
  hwm: Map<number, number>;
}

export interface TreeMonitorOptions {
  /** The process whose children are candidate roots (the bench itself: the bot spawns agents directly). */
  parent: number;
  isRoot(p: ProcSample): boolean;
  intervalMs?: number;
  /** Called on every sample with the roots alive then (the bench measures the job's disk meanwhile). */
  onSample?(alive: number[]): void;
}

export class TreeMonitor {
  private readonly runs = new Map<number, Tracking>();
  private timer: NodeJS.Timeout | undefined;
  /** CPU seconds this process spent sampling (the bench leaves it out of what the bot spent). */
  ownCpuS = 0;

  constructor(private readonly opts: TreeMonitorOptions) {}

  start(): void {
    this.timer = setInterval(() => this.sample(), this.opts.intervalMs ?? 25);
    this.timer.unref();
  }

  /** Takes one sample now (also done on a timer once started). */
  sample(): void {
    const cpu0 = process.cpuUsage();
    this.sampleTrees();
    const cpu = process.cpuUsage(cpu0);
    this.ownCpuS += (cpu.user + cpu.system) / 1e6;
  }

  private sampleTrees(): void {
    const now = performance.now();
    const alive: number[] = [];
    for (const pid of childPids(this.opts.parent)) {
      const root = readProc(pid);
      if (!root || !this.opts.isRoot(root)) continue;
      const tree = treeOf(pid);
      if (tree.length === 0) continue;
      alive.push(pid);
      let run = this.runs.get(pid);
      if (!run) {
        run = {
          rootPid: pid,
          comm: root.comm,
          firstMs: now,
          wallS: 0,
          cpuS: 0,
          peakRssKb: 0,
          peakHwmKb: 0,
          peakAnonKb: 0,
          peakFileKb: 0,
          hwmSumKb: 0,
          processes: 0,
          samples: 0,
          hwm: new Map(),
        };
        this.runs.set(pid, run);
      }
      run.samples++;
      run.wallS = (now - run.firstMs) / 1000;
      run.cpuS = Math.max(
        run.cpuS,
        sum(tree, (p) => p.cpuS),
      );
      run.peakRssKb = Math.max(
        run.peakRssKb,
        sum(tree, (p) => p.rssKb),
      );
      run.peakAnonKb = Math.max(
        run.peakAnonKb,
        sum(tree, (p) => p.anonKb),
      );
      run.peakFileKb = Math.max(
        run.peakFileKb,
        sum(tree, (p) => p.fileKb),
      );
      run.peakHwmKb = Math.max(
        run.peakHwmKb,
        sum(tree, (p) => p.hwmKb),
      );
      for (const p of tree) run.hwm.set(p.pid, Math.max(run.hwm.get(p.pid) ?? 0, p.hwmKb));
      run.processes = run.hwm.size;
      run.hwmSumKb = [...run.hwm.values()].reduce((a, b) => a + b, 0);
    }
    this.opts.onSample?.(alive);
  }

  /** Stops sampling and returns one entry per tree seen, in the order they appeared. */
  stop(): TreeRun[] {
    clearInterval(this.timer);
    return [...this.runs.values()].map(({ firstMs: _f, hwm: _h, ...run }) => run);
  }

  /** The trees seen so far (sampling goes on). */
  seen(): TreeRun[] {
    return [...this.runs.values()].map(({ firstMs: _f, hwm: _h, ...run }) => run);
  }
}

function sum(tree: ProcSample[], f: (p: ProcSample) => number): number {
  return tree.reduce((s, p) => s + f(p), 0);
}

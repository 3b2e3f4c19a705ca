// What /proc says about one process: enough to add up a process tree's memory and CPU while it runs.
// Linux only (the bench measures the deployment target). Reads are synchronous on purpose: a sample must be one
// consistent moment, and a few small reads per process cost less than the promises around them.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

export interface ProcSample {
  pid: number;
  ppid: number;
  comm: string;
  /** utime + stime + cutime + cstime in seconds: this process and every child it has reaped. */
  cpuS: number;
  /** cutime + cstime alone: the children it has reaped (for the bench itself: git, the verify command, agents). */
  childCpuS: number;
  /** Resident set now (0 for a zombie). */
  rssKb: number;
  /** Private anonymous memory (RssAnon): what this process alone holds; a second run holds its own. */
  anonKb: number;
  /**
   * File-backed resident pages (RssFile): mostly the executable's text. codex is a ~300 MB binary; its pages are
   * in the page cache once however many runs map it, so they are shared, not paid per run.
   */
  fileKb: number;
  /** The kernel's own high-water mark of the resident set (VmHWM): catches peaks between two samples. */
  hwmKb: number;
}

let ticks: number | undefined;

/** USER_HZ, the unit of the CPU fields in /proc/<pid>/stat (100 almost everywhere; asked, not assumed). */
export function clockTicks(): number {
  if (ticks === undefined) {
    try {
      ticks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

/** One process, or null when it has gone (a sample races with exits: that is normal, not an error). */
export function readProc(pid: number): ProcSample | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // comm is in parentheses and may itself hold spaces or parentheses: the fields start after the last ')'.
    const close = stat.lastIndexOf(")");
    const comm = stat.slice(stat.indexOf("(") + 1, close);
    const f = stat.slice(close + 2).split(" ");
    // f[0] is field 3 (state): ppid is field 4, utime..cstime are fields 14..17.
    const childTicks = Number(f[13]) + Number(f[14]);
    const cpuTicks = Number(f[11]) + Number(f[12]) + childTicks;
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return {
      pid,
      ppid: Number(f[1]),
      comm,
      cpuS: cpuTicks / clockTicks(),
      childCpuS: childTicks / clockTicks(),
      rssKb: kb(status, "VmRSS"),
      anonKb: kb(status, "RssAnon") + kb(status, "RssShmem"),
      fileKb: kb(status, "RssFile"),
      hwmKb: kb(status, "VmHWM"),
    };
  } catch {
    return null;
  }
}

function kb(status: string, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
  return m ? Number(m[1]) : 0;
}

/** Direct children of `pid`, from every thread's children list (a multithreaded parent forks from any thread). */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      for (const c of readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8").trim().split(/\s+/)) if (c) out.push(Number(c));
    } catch {
      // the thread ended between the two reads
    }
  }
  return out;
}

/** `root` and everything below it that is alive now (zombies included: their CPU is not yet in a parent's). */
export function treeOf(root: number): ProcSample[] {
  const out: ProcSample[] = [];
  const stack = [root];
  const seen = new Set<number>();
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    if (seen.has(pid)) continue;
    seen.add(pid);
    const p = readProc(pid);
    if (!p) continue;
    out.push(p);
    stack.push(...childPids(pid));
  }
  return out;
}

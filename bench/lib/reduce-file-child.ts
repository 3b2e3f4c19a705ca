// Run in a child process by the benchmark so that its peak RSS is the reducer's alone. Prints wall seconds and
// CPU seconds: on a shared machine the wall clock also counts time spent waiting for a core.
import { readFileSync } from "node:fs";
import { openLogFile, reduceLog } from "../../src/logs/reduce.js";

const file = process.argv[2];
const started = process.hrtime.bigint();
const cpu = process.cpuUsage();
const reduced = await reduceLog(openLogFile(file));
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const used = process.cpuUsage(cpu);
const cpuSeconds = (used.user + used.system) / 1e6;
process.stdout.write(JSON.stringify({ seconds, cpuSeconds, maxRssKb: peakRssKb(), lines: reduced.lines.length }) + "\n");

/**
 * This process's own peak RSS. getrusage's maxRSS is not: a child forked from the benchmark keeps the high-water
 * mark of the forked copy of the parent across exec (measured: a parent holding 200 MB made the reducer of a
 * 1 MB log report 209 MB), and the benchmark's parent holds the corpus. Linux's VmHWM is per address space.
 */
function peakRssKb(): number {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync("/proc/self/status", "utf8"));
    if (hwm) return Number(hwm[1]);
  } catch {
    // not Linux: getrusage below
  }
  return process.resourceUsage().maxRSS;
}

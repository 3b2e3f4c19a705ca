import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const exec = promisify(execFile);
const RUNS = 3;

export interface SpeedFigures {
  log: string;
  log_mb: number;
  /** Best of the runs, and every run (a shared machine is noisy: the range is the honest figure). */
  reducer_mb_s: number;
  reducer_mb_s_runs: number[];
  /** MB per CPU second of the reducer's process (all its threads): less sensitive to a busy machine. */
  reducer_cpu_mb_s_runs: number[];
  reducer_peak_rss_mb: number;
  grep_mb_s: number;
  grep_mb_s_runs: number[];
  reducer_vs_grep: number;
}

// Three common error words, case-insensitive (C locale: byte matching), as the goal is stated. The reducer's
// gate looks for 40 word stems, so this grep does far less work per byte than the reducer: a strict comparison.
const GREP_PATTERN = "error|fail|exception";

/** Times the reducer and grep on a log that `write` builds in a temporary file (removed afterwards). */
export async function measureSpeed(
  log: string,
  bytes: number,
  write: (file: string, bytes: number) => Promise<number>,
): Promise<SpeedFigures> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "bench-logs-"));
  try {
    const file = path.join(dir, "big.log");
    const size = await write(file, bytes);
    const mb = size / 1e6;
    const child = fileURLToPath(new URL("./reduce-file-child.js", import.meta.url));
    // taskset pins the reducer to one core where available, as the goal is stated per core.
    const pin = await hasTaskset();
    const cmd = pin ? "taskset" : process.execPath;
    const args = pin ? ["-c", "0", process.execPath, child, file] : [child, file];
    // Best of RUNS for each, taken in turns, so that a moment of noise on a shared machine favours neither.
    const reducer: number[] = [];
    const reducerCpu: number[] = [];
    const grep: number[] = [];
    let maxRssKb = 0;
    for (let run = 0; run < RUNS; run++) {
      const { stdout } = await exec(cmd, args, { maxBuffer: 1 << 20 });
      const r = JSON.parse(stdout.trim().split("\n").pop() as string) as { seconds: number; cpuSeconds: number; maxRssKb: number };
      reducer.push(round(mb / r.seconds));
      reducerCpu.push(round(mb / r.cpuSeconds));
      maxRssKb = Math.max(maxRssKb, r.maxRssKb);
      grep.push(round(mb / (await timeGrep(file))));
    }
    const reducerMbS = Math.max(...reducer);
    const grepMbS = Math.max(...grep);
    return {
      log,
      log_mb: round(mb),
      reducer_mb_s: reducerMbS,
      reducer_mb_s_runs: reducer,
      reducer_cpu_mb_s_runs: reducerCpu,
      reducer_peak_rss_mb: round(maxRssKb / 1024),
      grep_mb_s: grepMbS,
      grep_mb_s_runs: grep,
      reducer_vs_grep: round(reducerMbS / grepMbS),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function timeGrep(file: string): Promise<number> {
  const started = process.hrtime.bigint();
  await exec("grep", ["-ciE", GREP_PATTERN, file], { env: { ...process.env, LC_ALL: "C" } }).catch((e: unknown) => {
    // grep exits 1 when nothing matches: still a valid timing.
    if ((e as { code?: number }).code !== 1) throw e;
  });
  return Number(process.hrtime.bigint() - started) / 1e9;
}

async function hasTaskset(): Promise<boolean> {
  try {
    await exec("taskset", ["-c", "0", "true"]);
    return true;
  } catch {
    return false;
  }
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

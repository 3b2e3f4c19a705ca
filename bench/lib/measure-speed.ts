import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { writeSyntheticLog } from "./synthetic-log.js";

const exec = promisify(execFile);
const RUNS = 3;

export interface SpeedFigures {
  log_mb: number;
  reducer_mb_s: number;
  reducer_peak_rss_mb: number;
  grep_mb_s: number;
  reducer_vs_grep: number;
}

// Five common error words, case-insensitive (C locale: byte matching). The reducer's gate looks for 40 word
// stems, so this grep does less work per byte than the reducer's first look: a strict comparison.
const GREP_PATTERN = "error|fail|exception|fatal|panic";

export async function measureSpeed(bytes: number): Promise<SpeedFigures> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "bench-logs-"));
  try {
    const file = path.join(dir, "big.log");
    const size = await writeSyntheticLog(file, bytes);
    const mb = size / 1e6;
    const child = fileURLToPath(new URL("./reduce-file-child.js", import.meta.url));
    // taskset pins the reducer to one core where available, as the goal is stated per core.
    const pin = await hasTaskset();
    const cmd = pin ? "taskset" : process.execPath;
    const args = pin ? ["-c", "0", process.execPath, child, file] : [child, file];
    // Best of RUNS for each, taken in turns, so that a moment of noise on a shared machine favours neither.
    let best = { seconds: Infinity, maxRssKb: 0 };
    let grepSeconds = Infinity;
    for (let run = 0; run < RUNS; run++) {
      const { stdout } = await exec(cmd, args, { maxBuffer: 1 << 20 });
      const r = JSON.parse(stdout.trim().split("\n").pop() as string) as { seconds: number; maxRssKb: number };
      best = { seconds: Math.min(best.seconds, r.seconds), maxRssKb: Math.max(best.maxRssKb, r.maxRssKb) };
      grepSeconds = Math.min(grepSeconds, await timeGrep(file));
    }
    const r = best;
    const reducerMbS = mb / r.seconds;
    const grepMbS = mb / grepSeconds;
    return {
      log_mb: round(mb),
      reducer_mb_s: round(reducerMbS),
      reducer_peak_rss_mb: round(r.maxRssKb / 1024),
      grep_mb_s: round(grepMbS),
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

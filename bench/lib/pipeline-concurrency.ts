// 20 failing runs over 5 repositories delivered at once to one app with WORKER_CONCURRENCY=2: total time, each
// job's overhead, and how often each repository was fetched, counted at the git level (a `git` on PATH that logs
// every fetch with its mirror and times, then runs the real git). Afterwards every mirror must pass `git fsck`.
import { promises as fs } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startHarness } from "../../demo/harness.js";
import { ciFailureScript } from "../../demo/scenarios/ci-failure.js";
import { runGit } from "../../src/workspace/git.js";
import { mirrorPathFor } from "../../src/workspace/mirror.js";
import { runProcess } from "../../src/process/run-process.js";
import { createBenchRepo } from "./pipeline-repo.js";
import { splitPhases, waitForRecord, type PhaseRow } from "./pipeline-phases.js";
import { median, ms, percentile } from "./pipeline-stats.js";

const REPOS = 5;
const PER_REPO = 4;

interface Fetch {
  mirror: string;
  start: number;
  end: number;
}

async function gitSpy(): Promise<{ dir: string; read(): Promise<Fetch[]> }> {
  const dir = await fs.mkdtemp(path.join(tmpdir(), "bench-gitspy-"));
  const realGit = (await runProcess("sh", ["-c", "command -v git"], { keepStdout: true })).stdout.toString().trim();
  const log = path.join(dir, "fetches.log");
  const script = `#!/bin/sh
case " $* " in *" fetch "*) s=$(date +%s%3N); "${realGit}" "$@"; rc=$?; echo "$s $(date +%s%3N) $PWD" >> "${log}"; exit $rc;; esac
exec "${realGit}" "$@"
`;
  await fs.writeFile(path.join(dir, "git"), script, { mode: 0o755 });
  return {
    dir,
    async read() {
      const text = await fs.readFile(log, "utf8").catch(() => "");
      return text
        .split("\n")
        .filter(Boolean)
        .map((l) => {
          const [s, e, ...p] = l.split(" ");
          return { start: Number(s), end: Number(e), mirror: p.join(" ") };
        });
    },
  };
}

/** How many fetches of different mirrors ran at the same moment, at most: > 1 means no repository waited on another's. */
function maxOverlapAcrossMirrors(fetches: Fetch[]): number {
  let best = 1;
  for (const f of fetches) {
    const others = new Set(fetches.filter((g) => g.start < f.end && g.end > f.start).map((g) => g.mirror));
    best = Math.max(best, others.size);
  }
  return best;
}

export async function concurrencyRun(): Promise<{
  totalMs: number;
  overheadP50Ms: number;
  fetchesPerRepo: Record<string, number>;
  fsck: string;
}> {
  const spy = await gitSpy();
  const savedPath = process.env.PATH;
  process.env.PATH = `${spy.dir}:${savedPath ?? ""}`;
  const requests: number[] = [];
  const steps = ciFailureScript();
  const h = await startHarness({ throttle: true, env: { WORKER_CONCURRENCY: "2" }, script: () => (requests.push(Date.now()), steps) });
  try {
    const repos = await Promise.all(Array.from({ length: REPOS }, (_, i) => createBenchRepo(h, `busy-${i}`)));
    const runs = [];
    for (const repo of repos) for (let k = 0; k < PER_REPO; k++) runs.push(await repo.failingRun());
    const delivered = Date.now();
    await Promise.all(runs.map((r) => h.deliver("workflow_run", r.payload)));
    const rows: PhaseRow[] = [];
    for (const r of runs) {
      const record = await waitForRecord(h, r.key, 600_000);
      if (record.outcome !== "explained: code") throw new Error(`${r.key} ended ${record.status}: ${record.outcome ?? record.error}`);
      rows.push(splitPhases(record, delivered, requests));
    }
    const finals = rows.map((r) => r.overhead ?? NaN);
    const totalMs = Math.max(...finals);
    const fetches = await spy.read();
    const fetchesPerRepo: Record<string, number> = {};
    const fsck: string[] = [];
    for (const repo of repos) {
      const mirror = mirrorPathFor(h.env.workspaceDir, repo.fullName);
      fetchesPerRepo[repo.fullName] = fetches.filter((f) => path.resolve(f.mirror) === path.resolve(mirror)).length;
      await runGit(["fsck", "--no-progress", "--strict"], { cwd: mirror });
      fsck.push("ok");
    }
    // Each job's own wait: its time in the queue and in its workspace (the mirror lock is per repository).
    const queue = rows.map((r) => r.queue_wait ?? NaN);
    const workspace = rows.map((r) => r.workspace ?? NaN);
    console.log(`concurrency: ${runs.length} failing runs over ${REPOS} repositories at once, WORKER_CONCURRENCY=2`);
    console.log(`  all ${runs.length} final comments after ${ms(totalMs)}; per job webhook → comment median ${ms(median(finals))}`);
    console.log(`  first comments: median ${ms(median(rows.map((r) => r.first_signal ?? NaN)))} after the deliveries`);
    console.log(
      `  per job: queue wait median ${ms(median(queue))} (p95 ${ms(percentile(queue, 0.95))}), workspace median ${ms(median(workspace))} (max ${ms(Math.max(...workspace))})`,
    );
    console.log(
      `  per job (webhook → comment minus queue wait): median ${ms(median(rows.map((r) => (r.overhead ?? 0) - (r.queue_wait ?? 0))))}`,
    );
    console.log(
      `  fetches per repository: ${Object.values(fetchesPerRepo).join(", ")} (${PER_REPO} jobs each); at most ${maxOverlapAcrossMirrors(fetches)} repositories fetched at the same time`,
    );
    console.log(`  git fsck --strict of every mirror: ${fsck.every((f) => f === "ok") ? "clean" : "FAILED"}`);
    return { totalMs, overheadP50Ms: median(rows.map((r) => (r.overhead ?? 0) - (r.queue_wait ?? 0))), fetchesPerRepo, fsck: "clean" };
  } finally {
    process.env.PATH = savedPath;
    await h.close();
    await fs.rm(spy.dir, { recursive: true, force: true });
  }
}

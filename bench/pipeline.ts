// The bot's own overhead, from a signed failed-run webhook to the comment on the PR, with the whole pipeline real
// (queue, git mirror and worktree, the codex binary) and the model scripted to answer at once: what a maintainer
// waits for on top of the model's thinking. Four parts: warm and cold triages split by phase, the workspace
// against a shallow clone on a large repository, 20 triages at once over 5 repositories, and the time to the
// first comment. Prints figures and, last, one JSON line.
import { startHarness } from "../demo/harness.js";
import { ciFailureScript } from "../demo/scenarios/ci-failure.js";
import { concurrencyRun } from "./lib/pipeline-concurrency.js";
import { PHASES, type PhaseRow } from "./lib/pipeline-phases.js";
import { coldRuns, RUN_GAP_MS, warmRuns } from "./lib/pipeline-sequential.js";
import { median, medians, ms, percentile } from "./lib/pipeline-stats.js";
import { compareWorkspace } from "./lib/pipeline-workspace.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const PARTS = new Set((process.env.BENCH_PARTS ?? "sequential,workspace,concurrency").split(","));

function printRows(title: string, rows: PhaseRow[]): void {
  const col = (k: keyof PhaseRow) => rows.map((r) => r[k] ?? NaN).filter(Number.isFinite);
  console.log(`${title}: ${rows.length} runs`);
  console.log(`  webhook → final comment: median ${ms(median(col("overhead")))}, p95 ${ms(percentile(col("overhead"), 0.95))}`);
  console.log(`  webhook → first comment: median ${ms(median(col("first_signal")))}, p95 ${ms(percentile(col("first_signal"), 0.95))}`);
  for (const p of PHASES)
    console.log(`    ${p.padEnd(22)} median ${ms(median(col(p))).padStart(8)}  p95 ${ms(percentile(col(p), 0.95)).padStart(8)}`);
}

async function sequential() {
  const requests: number[] = [];
  const steps = ciFailureScript();
  // GitHub's write pacing on, as in production: part of what a maintainer waits for.
  const h = await startHarness({
    throttle: true,
    script: () => {
      requests.push(Date.now());
      return steps;
    },
  });
  try {
    console.log(`one triage at a time, started at least ${RUN_GAP_MS} ms apart (BENCH_GAP_MS; see pipeline-sequential.ts)`);
    const cold = await coldRuns(h, requests, RUNS, "bench");
    const warm = await warmRuns(h, requests, RUNS, "bench");
    printRows("cold (a new repository each run)", cold);
    printRows("warm (a repository the bot has seen)", warm);
    return { cold, warm };
  } finally {
    await h.close();
  }
}

async function main() {
  const figures: Record<string, number | string | Record<string, number>> = { runs: RUNS, run_gap_ms: RUN_GAP_MS };
  if (PARTS.has("sequential")) {
    const { cold, warm } = await sequential();
    const overhead = (rows: PhaseRow[]) => rows.map((r) => r.overhead ?? NaN).filter(Number.isFinite);
    figures.overhead_p50_ms = Math.round(median(overhead(warm)));
    figures.overhead_p95_ms = Math.round(percentile(overhead(warm), 0.95));
    figures.cold_overhead_p50_ms = Math.round(median(overhead(cold)));
    figures.cold_overhead_p95_ms = Math.round(percentile(overhead(cold), 0.95));
    figures.first_signal_p50_ms = Math.round(median([...warm, ...cold].map((r) => r.first_signal ?? NaN).filter(Number.isFinite)));
    figures.warm_phase_medians_ms = medians(warm as Record<string, number>[]);
    figures.cold_phase_medians_ms = medians(cold as Record<string, number>[]);
  }
  if (PARTS.has("workspace")) {
    const w = await compareWorkspace();
    figures.warm_workspace_ms = Math.round(w.warmMs);
    figures.shallow_clone_ms = Math.round(w.shallowMs);
    figures.workspace_ratio = Number((w.warmMs / w.shallowMs).toFixed(3));
    figures.no_spare_workspace_ms = Math.round(w.noSpareMs);
    figures.workspace_job_end_ms = Math.round(w.jobEndMs);
  }
  if (PARTS.has("concurrency")) {
    const c = await concurrencyRun();
    figures.concurrency_total_ms = Math.round(c.totalMs);
    figures.concurrency_overhead_p50_ms = Math.round(c.overheadP50Ms);
    figures.concurrency_fetches_per_repo = c.fetchesPerRepo;
    figures.concurrency_fsck = c.fsck;
  }
  console.log(JSON.stringify(figures));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

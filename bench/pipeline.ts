// Time from a signed failed-run webhook to the comment on the PR, with the whole pipeline real (queue,
// git mirror and worktree, the codex binary) and the model scripted, so the figure is the bot's own
// overhead: model time is whatever the real model takes on top. Prints figures and, last, one JSON line.
import { startHarness } from "../demo/harness.js";
import { ciFailureScript, setupCiFailure } from "../demo/scenarios/ci-failure.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 6);

async function main() {
  const h = await startHarness({ script: ciFailureScript() });
  const durations: number[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const setup = await setupCiFailure(h, { repoName: `bench-${i}` });
      cleanups.push(() => setup.remote.cleanup());
      const started = performance.now();
      await h.deliver("workflow_run", setup.payload);
      const record = await h.waitForJob(setup.key, 120_000);
      if (record.outcome !== "explained: code") throw new Error(`run ${i} ended ${record.status}: ${record.outcome ?? record.error}`);
      durations.push(performance.now() - started);
    }
  } finally {
    for (const c of cleanups) await c();
    await h.close();
  }
  const sorted = [...durations].sort((a, b) => a - b);
  const p = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const figures = {
    runs: RUNS,
    first_run_s: Number((durations[0] / 1000).toFixed(2)),
    median_s: Number((p(0.5) / 1000).toFixed(2)),
    p95_s: Number((p(0.95) / 1000).toFixed(2)),
  };
  console.log(`webhook → comment, ${RUNS} triages with a scripted model (each a new repository: first fetch included)`);
  console.log(`  median ${figures.median_s} s, p95 ${figures.p95_s} s, first ${figures.first_run_s} s`);
  console.log(JSON.stringify(figures));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

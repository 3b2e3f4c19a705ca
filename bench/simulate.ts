// How many workers N repositories need, by simulation: failing runs arrive through the day (more in working
// hours, in bursts), each takes an agent slot for a lognormal time, and W workers × slots serve them first come
// first served. For each N it finds the fewest workers whose p95 wait for a slot stays under the target and
// prints the waits there. Seeded: the same parameters give the same table. Prints a table and one JSON line.
import { z } from "zod";
import { DEFAULT_DURATIONS, HOURLY, normalizedHourly, scenario, type Durations, type Load } from "./lib/simulate-load.js";
import { workersNeeded, type Needed } from "./lib/simulate-search.js";

const num = (d: number) => z.coerce.number().positive().default(d);
const Params = z.object({
  SIM_REPOS: z
    .string()
    .default("10,1000,100000")
    .transform((s) => s.split(",").map(Number))
    .pipe(z.array(z.number().int().positive()).min(1)),
  SIM_RUNS_PER_REPO_PER_DAY: z.coerce.number().min(0).default(2),
  SIM_BURST_MEAN: z.coerce.number().min(1).default(1.5),
  SIM_MEDIAN_AGENT_S: num(DEFAULT_DURATIONS.medianAgentS),
  SIM_SIGMA: z.coerce.number().min(0).default(DEFAULT_DURATIONS.sigma),
  SIM_OVERHEAD_S: z.coerce.number().min(0).default(DEFAULT_DURATIONS.overheadS),
  SIM_TIMEOUT_S: num(DEFAULT_DURATIONS.capS),
  // 32: the most WORKER_CONCURRENCY accepts today; 102: what bench:capacity measured one 2-core / 24 GiB worker holds.
  SIM_SLOTS: z
    .string()
    .default("32,102")
    .transform((s) => s.split(",").map(Number))
    .pipe(z.array(z.number().int().positive()).min(1)),
  SIM_TARGET_P95_S: num(60),
  SIM_DAYS: z.coerce.number().int().positive().default(3),
  SIM_SEED: z.coerce.number().int().default(1),
});

interface Row {
  repos: number;
  runsPerDay: number;
  peakRunsPerHour: number;
  inFlightAtPeak: number;
  needed: Needed[];
}

function main() {
  const p = Params.parse(process.env);
  const durations: Durations = {
    medianAgentS: p.SIM_MEDIAN_AGENT_S,
    sigma: p.SIM_SIGMA,
    capS: p.SIM_TIMEOUT_S,
    overheadS: p.SIM_OVERHEAD_S,
  };
  const peakFactor = Math.max(...normalizedHourly(HOURLY));
  const started = performance.now();
  const rows: Row[] = p.SIM_REPOS.map((repos) => {
    const load: Load = {
      repos,
      runsPerRepoPerDay: p.SIM_RUNS_PER_REPO_PER_DAY,
      burstMean: p.SIM_BURST_MEAN,
      days: p.SIM_DAYS,
      hourly: HOURLY,
    };
    const { arrivals, services } = scenario(load, durations, p.SIM_SEED);
    const meanService = services.reduce((a, b) => a + b, 0) / Math.max(1, services.length);
    const peakRunsPerHour = (repos * p.SIM_RUNS_PER_REPO_PER_DAY * peakFactor) / 24;
    return {
      repos,
      runsPerDay: arrivals.length / p.SIM_DAYS,
      peakRunsPerHour,
      inFlightAtPeak: (peakRunsPerHour / 3600) * meanService,
      needed: p.SIM_SLOTS.map((slots) => workersNeeded(arrivals, services, slots, p.SIM_TARGET_P95_S)),
    };
  });
  const seconds = (performance.now() - started) / 1000;

  console.log(
    `${p.SIM_RUNS_PER_REPO_PER_DAY} failing runs per repository per day (bursts of mean ${p.SIM_BURST_MEAN}; working hours ×${peakFactor.toFixed(2)} the daily mean), ` +
      `agent lognormal median ${p.SIM_MEDIAN_AGENT_S} s σ ${p.SIM_SIGMA} (cut at ${p.SIM_TIMEOUT_S} s) + ${p.SIM_OVERHEAD_S} s bot overhead, ` +
      `${p.SIM_DAYS} days, seed ${p.SIM_SEED}; target p95 wait ≤ ${p.SIM_TARGET_P95_S} s`,
  );
  const head = [
    "repositories",
    "runs/day",
    "peak runs/h",
    "in flight at peak",
    ...p.SIM_SLOTS.map((s) => `workers (${s} slots)`),
    "wait p50",
    "wait p95",
    "wait p99",
    "busy",
  ];
  const table = rows.map((r) => {
    const first = r.needed[0].result;
    return [
      r.repos.toLocaleString("en-US"),
      Math.round(r.runsPerDay).toLocaleString("en-US"),
      Math.round(r.peakRunsPerHour).toLocaleString("en-US"),
      r.inFlightAtPeak.toFixed(1),
      ...r.needed.map((n) => String(n.workers)),
      `${first.p50WaitS.toFixed(1)} s`,
      `${first.p95WaitS.toFixed(1)} s`,
      `${first.p99WaitS.toFixed(1)} s`,
      `${Math.round(first.utilization * 100)}%`,
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)));
  const line = (cells: string[]) => "| " + cells.map((c, i) => c.padEnd(widths[i])).join(" | ") + " |";
  console.log(line(head));
  console.log("|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|");
  for (const r of table) console.log(line(r));
  console.log(`(waits and busy share at the workers needed with ${p.SIM_SLOTS[0]} slots; ${seconds.toFixed(1)} s of simulation)`);
  console.log(
    JSON.stringify({
      params: {
        runs_per_repo_per_day: p.SIM_RUNS_PER_REPO_PER_DAY,
        median_agent_s: p.SIM_MEDIAN_AGENT_S,
        slots: p.SIM_SLOTS,
        target_p95_s: p.SIM_TARGET_P95_S,
      },
      results: rows.map((r) => ({
        repos: r.repos,
        runs_per_day: Math.round(r.runsPerDay),
        in_flight_at_peak: Number(r.inFlightAtPeak.toFixed(1)),
        workers_needed: Object.fromEntries(r.needed.map((n, i) => [String(p.SIM_SLOTS[i]), n.workers])),
        wait_p50_s: Number(r.needed[0].result.p50WaitS.toFixed(1)),
        wait_p95_s: Number(r.needed[0].result.p95WaitS.toFixed(1)),
      })),
    }),
  );
}

main();

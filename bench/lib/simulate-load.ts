// What the simulated repositories ask of the workers: when failing runs arrive and how long their agents run.
//
// Arrivals. Each repository fails `runsPerRepoPerDay` runs a day on average, more in working hours than at
// night (HOURLY below, one time zone: the worst case, as nobody's night then fills anybody's day). A failure
// is often several failed runs at once (a push fails the tests and the lint workflow, a matrix fails on every
// leg): failures come in bursts of a geometric size of mean `burstMean`, at one instant. Independent Poisson
// repositories add up to one Poisson stream with the summed rate, and with first-come-first-served slots and no
// per-repository limit a job's repository changes nothing in the queue, so the stream is drawn as one.
//
// Durations. An agent run is lognormal (median `medianAgentS`, σ of the log `sigma`; σ 0.8 puts the p95 at
// 3.7× the median), cut at the agent timeout, plus the bot's own work per job (`overheadS`: fetch, worktree,
// posting), which bench:capacity and bench:pipeline measure.
import { exponential, geometric, lognormal, seededRng, type Rng } from "./simulate-prng.js";

/** Relative failure rate by hour of day (working hours busiest). Normalized to a mean of 1 where used. */
export const HOURLY = [
  0.1, 0.1, 0.1, 0.1, 0.1, 0.15, 0.25, 0.5, 1, 1.6, 1.6, 1.6, 1.2, 1.6, 1.6, 1.6, 1.4, 1, 0.6, 0.4, 0.3, 0.25, 0.2, 0.15,
];

export interface Load {
  repos: number;
  runsPerRepoPerDay: number;
  burstMean: number;
  days: number;
  hourly: readonly number[];
}

export interface Durations {
  medianAgentS: number;
  sigma: number;
  /** The agent's timeout: no run lasts longer. */
  capS: number;
  overheadS: number;
}

export const DEFAULT_DURATIONS: Durations = { medianAgentS: 180, sigma: 0.8, capS: 1800, overheadS: 5 };

/** Hourly rates with a mean of 1 (so that `runsPerRepoPerDay` stays the daily mean). */
export function normalizedHourly(hourly: readonly number[]): number[] {
  if (hourly.length !== 24 || hourly.some((w) => !(w >= 0))) throw new Error("hourly: 24 non-negative weights");
  const mean = hourly.reduce((a, b) => a + b, 0) / 24;
  return mean === 0 ? hourly.map(() => 0) : hourly.map((w) => w / mean);
}

/** Arrival times in seconds from midnight of day one, sorted. */
export function generateArrivals(load: Load, rng: Rng): Float64Array {
  const hourly = normalizedHourly(load.hourly);
  const burstsPerSecond = (load.repos * load.runsPerRepoPerDay) / load.burstMean / 86_400;
  const out: number[] = [];
  for (let day = 0; day < load.days; day++) {
    for (let hour = 0; hour < 24; hour++) {
      const rate = burstsPerSecond * hourly[hour];
      if (rate <= 0) continue;
      const start = (day * 24 + hour) * 3600;
      // Within an hour the rate is constant: exponential gaps; a fresh start at the hour is exact (memoryless).
      for (let t = start + exponential(rng, rate); t < start + 3600; t += exponential(rng, rate)) {
        const burst = geometric(rng, load.burstMean);
        for (let k = 0; k < burst; k++) out.push(t);
      }
    }
  }
  return Float64Array.from(out);
}

export function generateDurations(n: number, d: Durations, rng: Rng): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.min(d.capS, lognormal(rng, d.medianAgentS, d.sigma)) + d.overheadS;
  return out;
}

/** One scenario's jobs, the same for every worker count tried (common random numbers: a fair comparison). */
export function scenario(load: Load, durations: Durations, seed: number): { arrivals: Float64Array; services: Float64Array } {
  const rng = seededRng(seed);
  const arrivals = generateArrivals(load, rng);
  return { arrivals, services: generateDurations(arrivals.length, durations, seededRng(seed ^ 0x5eed)) };
}

import { describe, expect, it } from "vitest";
import { simulateQueue } from "../../bench/lib/simulate-core.js";
import { DEFAULT_DURATIONS, generateArrivals, HOURLY, normalizedHourly, scenario, type Load } from "../../bench/lib/simulate-load.js";
import { exponential, seededRng } from "../../bench/lib/simulate-prng.js";
import { workersNeeded } from "../../bench/lib/simulate-search.js";

// The capacity simulation's core on inputs small enough to reason about: properties any correct queue has,
// and a case whose answer queueing theory gives exactly.

const load = (over: Partial<Load> = {}): Load => ({ repos: 300, runsPerRepoPerDay: 2, burstMean: 1.5, days: 1, hourly: HOURLY, ...over });

/** Poisson arrivals at `rate` per second and exponential services of mean `meanS`: an M/M/c queue. */
function mm(n: number, rate: number, meanS: number, seed: number) {
  const rng = seededRng(seed);
  const arrivals = new Float64Array(n);
  const services = new Float64Array(n);
  let t = 0;
  for (let i = 0; i < n; i++) {
    t += exponential(rng, rate);
    arrivals[i] = t;
    services[i] = exponential(rng, 1 / meanS);
  }
  return { arrivals, services };
}

describe("simulateQueue", () => {
  it("no failing runs: no jobs, no wait, nothing NaN", () => {
    const { arrivals, services } = scenario(load({ runsPerRepoPerDay: 0 }), DEFAULT_DURATIONS, 1);
    const r = simulateQueue(arrivals, services, 4);
    expect(r.jobs).toBe(0);
    expect([r.meanWaitS, r.p50WaitS, r.p95WaitS, r.maxWaitS, r.utilization]).toEqual([0, 0, 0, 0, 0]);
  });

  it("more workers never make the wait longer (same jobs), and enough of them make it zero", () => {
    const { arrivals, services } = scenario(load(), DEFAULT_DURATIONS, 3);
    let previous = { p95: Infinity, mean: Infinity };
    for (const slots of [2, 3, 4, 6, 8, 12, 20]) {
      const r = simulateQueue(arrivals, services, slots);
      expect(r.p95WaitS).toBeLessThanOrEqual(previous.p95);
      expect(r.meanWaitS).toBeLessThanOrEqual(previous.mean);
      previous = { p95: r.p95WaitS, mean: r.meanWaitS };
    }
    expect(simulateQueue(arrivals, services, arrivals.length).maxWaitS).toBe(0);
    // and too few really queue: the test above is not comparing zeros
    expect(simulateQueue(arrivals, services, 2).p95WaitS).toBeGreaterThan(60);
  });

  it("Little's law: the time-average queue length is the arrival rate times the mean wait", () => {
    const { arrivals, services } = scenario(load({ days: 2 }), DEFAULT_DURATIONS, 5);
    const r = simulateQueue(arrivals, services, 6);
    expect(r.meanWaitS).toBeGreaterThan(1); // a queue that exists
    const lambda = r.jobs / r.horizonS;
    expect(r.queueArea / r.horizonS).toBeCloseTo(lambda * r.meanWaitS, 6);
    // and for the busy slots: mean busy = λ × mean service
    const meanService = services.reduce((a, b) => a + b, 0) / services.length;
    expect(r.busyArea / r.horizonS / (lambda * meanService)).toBeCloseTo(1, 6);
  });

  it("M/M/1 at 50% load waits one mean service time on average (queueing theory: ρ/(1−ρ) · E[S])", () => {
    const { arrivals, services } = mm(200_000, 0.5, 1, 11);
    const r = simulateQueue(arrivals, services, 1);
    expect(r.meanWaitS).toBeGreaterThan(0.9);
    expect(r.meanWaitS).toBeLessThan(1.1);
    expect(r.utilization).toBeCloseTo(0.5, 1);
  });

  it("M/M/2 at 80% load matches Erlang C: mean wait 1.78 mean services", () => {
    // λ = 1.6, μ = 1, c = 2: P(wait) = 0.7111, E[Wq] = P(wait) / (cμ − λ) = 1.778
    const { arrivals, services } = mm(300_000, 1.6, 1, 12);
    const r = simulateQueue(arrivals, services, 2);
    expect(r.meanWaitS).toBeGreaterThan(1.6);
    expect(r.meanWaitS).toBeLessThan(1.95);
  });

  it("is repeatable: the same seed gives the same waits, another seed other ones", () => {
    const a = scenario(load(), DEFAULT_DURATIONS, 21);
    const b = scenario(load(), DEFAULT_DURATIONS, 21);
    const c = scenario(load(), DEFAULT_DURATIONS, 22);
    expect(simulateQueue(a.arrivals, a.services, 3).waits).toEqual(simulateQueue(b.arrivals, b.services, 3).waits);
    expect(c.arrivals).not.toEqual(a.arrivals);
  });
});

describe("arrivals", () => {
  it("come at the daily rate asked for, most of them in working hours", () => {
    const arrivals = generateArrivals(load({ repos: 2000, days: 5 }), seededRng(4));
    expect(arrivals.length / 5).toBeGreaterThan(2000 * 2 * 0.95);
    expect(arrivals.length / 5).toBeLessThan(2000 * 2 * 1.05);
    const hourly = normalizedHourly(HOURLY);
    const expectedDay = hourly.slice(9, 17).reduce((a, b) => a + b, 0) / 24;
    const inDay = arrivals.filter((t) => {
      const h = (t % 86_400) / 3600;
      return h >= 9 && h < 17;
    }).length;
    expect(inDay / arrivals.length).toBeCloseTo(expectedDay, 1);
    for (let i = 1; i < arrivals.length; i++) expect(arrivals[i]).toBeGreaterThanOrEqual(arrivals[i - 1]);
  });
});

describe("workersNeeded", () => {
  it("finds the fewest workers that meet the p95 target: one fewer misses it", () => {
    const { arrivals, services } = scenario(load({ repos: 3000 }), DEFAULT_DURATIONS, 8);
    const needed = workersNeeded(arrivals, services, 4, 60);
    expect(needed.workers).toBeGreaterThan(1);
    expect(needed.result.p95WaitS).toBeLessThanOrEqual(60);
    expect(simulateQueue(arrivals, services, (needed.workers - 1) * 4).p95WaitS).toBeGreaterThan(60);
  });

  it("a handful of repositories need one worker", () => {
    const { arrivals, services } = scenario(load({ repos: 10 }), DEFAULT_DURATIONS, 9);
    expect(workersNeeded(arrivals, services, 32, 60).workers).toBe(1);
  });
});

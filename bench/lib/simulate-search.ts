// How many workers keep the queue's p95 wait under a target. With first-come-first-served slots and the same
// jobs, adding a slot never makes any job start later, so the p95 wait falls (weakly) as workers are added
// and a bisection over the worker count finds the smallest that meets the target.
import { simulateQueue, type QueueResult } from "./simulate-core.js";

export interface Needed {
  workers: number;
  result: QueueResult;
  /** How many worker counts were simulated to find it. */
  tried: number;
}

export function workersNeeded(arrivals: Float64Array, services: Float64Array, slotsPerWorker: number, targetP95S: number): Needed {
  const cache = new Map<number, QueueResult>();
  const run = (w: number) => {
    let r = cache.get(w);
    if (!r) {
      r = simulateQueue(arrivals, services, w * slotsPerWorker);
      cache.set(w, r);
    }
    return r;
  };
  const ok = (w: number) => run(w).p95WaitS <= targetP95S;
  if (ok(1)) return { workers: 1, result: run(1), tried: cache.size };
  // Start from the mean load (every slot busy all the time): fewer workers cannot keep up at all.
  let totalWork = 0;
  for (const s of services) totalWork += s;
  const span = arrivals.length > 0 ? Math.max(1, arrivals[arrivals.length - 1]) : 1;
  let lo = 1;
  let hi = Math.max(2, Math.floor(totalWork / span / slotsPerWorker));
  while (!ok(hi)) {
    lo = hi;
    hi *= 2;
  }
  // Invariant: lo fails, hi meets the target.
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (ok(mid)) hi = mid;
    else lo = mid;
  }
  return { workers: hi, result: run(hi), tried: cache.size };
}

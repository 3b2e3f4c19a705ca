// The queue at the heart of the simulation: jobs arrive at given times, each needs an agent slot for a given
// time, `slots` slots serve them first come first served (pg-boss hands the oldest job to the next free worker).
// An event-driven loop: the next event is the earlier of the next arrival (arrivals come sorted) and the next
// departure (a min-heap of the running jobs' end times). Waits are recorded per job; the areas under the queue
// length and the busy-slot count are integrated over time independently of them, so that Little's law
// (mean queue = arrival rate × mean wait) is a check of the bookkeeping, not a restatement of it.

import { Heap } from "heap-js";

export interface QueueResult {
  jobs: number;
  /** Seconds each job waited for a slot, in arrival order. */
  waits: Float64Array;
  meanWaitS: number;
  p50WaitS: number;
  p95WaitS: number;
  p99WaitS: number;
  maxWaitS: number;
  /** Time of the last departure (the simulation runs until every job is done). */
  horizonS: number;
  /** ∫ queue length dt and ∫ busy slots dt over [0, horizon]. */
  queueArea: number;
  busyArea: number;
  maxQueue: number;
  /** busyArea / (slots × horizon). */
  utilization: number;
}

/** `arrivals` sorted ascending (seconds), `services` the matching durations (seconds). */
export function simulateQueue(arrivals: Float64Array, services: Float64Array, slots: number): QueueResult {
  if (arrivals.length !== services.length) throw new Error("simulateQueue: arrivals and services differ in length");
  if (!Number.isInteger(slots) || slots < 1) throw new Error("simulateQueue: slots must be a positive integer");
  const n = arrivals.length;
  const waits = new Float64Array(n);
  // The departure times of the running jobs, soonest first (heap-js's default order is ascending numbers).
  const running = new Heap<number>();
  // The FIFO of waiting job indices: each job enters at most once, so a flat array with two cursors does.
  const queue = new Int32Array(n);
  let head = 0;
  let tail = 0;
  let now = 0;
  let next = 0;
  let busy = 0;
  let queueArea = 0;
  let busyArea = 0;
  let maxQueue = 0;
  const advance = (t: number) => {
    queueArea += (tail - head) * (t - now);
    busyArea += busy * (t - now);
    now = t;
  };
  while (next < n || running.length > 0) {
    const arrival = next < n ? arrivals[next] : Infinity;
    const departure = running.length > 0 ? (running.peek() as number) : Infinity;
    if (arrival < departure) {
      if (arrival < now) throw new Error("simulateQueue: arrivals must be sorted");
      advance(arrival);
      if (busy < slots) {
        busy++;
        running.push(now + services[next]);
      } else {
        queue[tail++] = next;
        maxQueue = Math.max(maxQueue, tail - head);
      }
      next++;
    } else {
      advance(departure);
      running.pop();
      if (head < tail) {
        // The freed slot goes to the oldest waiting job at once.
        const j = queue[head++];
        waits[j] = now - arrivals[j];
        running.push(now + services[j]);
      } else {
        busy--;
      }
    }
  }
  const sorted = waits.slice().sort();
  const q = (p: number) => (n === 0 ? 0 : sorted[Math.min(n - 1, Math.ceil(p * n) - 1)]);
  let total = 0;
  for (let i = 0; i < n; i++) total += waits[i];
  return {
    jobs: n,
    waits,
    meanWaitS: n === 0 ? 0 : total / n,
    p50WaitS: q(0.5),
    p95WaitS: q(0.95),
    p99WaitS: q(0.99),
    maxWaitS: n === 0 ? 0 : sorted[n - 1],
    horizonS: now,
    queueArea,
    busyArea,
    maxQueue,
    utilization: now === 0 ? 0 : busyArea / (slots * now),
  };
}

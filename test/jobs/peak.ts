/** The most runs that were in their handlers at one moment (a run without an end counts as still running). */
export function peakConcurrency(runs: { start: number; end?: number }[]): number {
  const edges = runs.flatMap((r) => [
    { t: r.start, d: 1 },
    { t: r.end ?? Infinity, d: -1 },
  ]);
  // At equal times an end comes before a start: a job that starts as another ends did not overlap it.
  edges.sort((a, b) => a.t - b.t || a.d - b.d);
  let now = 0;
  let peak = 0;
  for (const e of edges) peak = Math.max(peak, (now += e.d));
  return peak;
}

// Order statistics for bench:pipeline: nearest-rank percentiles over a handful to a few dozen runs.

export function percentile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

export const median = (values: number[]) => percentile(values, 0.5);

/** Per key, the median of the values the runs have for it (a run without the key does not count). */
export function medians(rows: Record<string, number>[]): Record<string, number> {
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return Object.fromEntries(keys.map((k) => [k, Math.round(median(rows.map((r) => r[k]).filter((v) => Number.isFinite(v))))]));
}

export function ms(v: number): string {
  return `${Math.round(v)} ms`;
}

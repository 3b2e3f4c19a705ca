/**
 * The first word of a job's outcome ("pr-opened #12" → "pr-opened", "explained: flaky" → "explained",
 * "skipped: …" → "skipped"): few values, fit for a metric label or a chart series. "none" when there is none.
 */
export function outcomeClass(outcome: string | null): string {
  if (!outcome) return "none";
  const word = /^[a-z][a-z-]{0,40}/.exec(outcome.trim().toLowerCase());
  return word ? word[0].replace(/-+$/, "") : "other";
}

// Tuned by hand on the development corpus (see bench/logs.ts, which cross-validates them by repository); they
// are about budget shape, not about any project. An object rather than constants so that the benchmark can
// choose them again without the repository it tests on.
export interface Tuning {
  /** Lines a block start claims at once. */
  blockSpan: number;
  /** Bonus for hits inside a failed step, before its failure line. */
  failStep: number;
  /** Later hits weigh slightly more. */
  pos: number;
  /** Context before a hit. */
  before: number;
  /** Context after a hit. */
  after: number;
  /** Priority of closing counts. */
  summary: number;
  /** Lines before the "step failed" line. */
  stepTail: number;
  /** Windows placed before growth: the budget goes to few places, so whole blocks fit. */
  nWin: number;
  /** Lines grown after … */
  growAfter: number;
  /** … for each line grown before. */
  growBefore: number;
  /** How fast look-alike lines fade. */
  decay: number;
  /** Bonus for the first decisive report of a failed step. */
  first: number;
  /** Growth rate of the least telling window, relative to the best. */
  minRate: number;
}

export const DEFAULT_TUNING: Readonly<Tuning> = {
  blockSpan: 30,
  failStep: 8,
  pos: 3,
  before: 4,
  after: 3,
  summary: 25,
  stepTail: 10,
  nWin: 10,
  growAfter: 2,
  growBefore: 1,
  decay: 1,
  first: 2,
  minRate: 0.1,
};

/** A place in the log the excerpt shows: a hit and the lines around it. */
export interface Window {
  priority: number;
  /** Fill grows this window forwards too (not for "step failed" lines: what follows is another step). */
  forward: boolean;
  step: number;
  /** Lines a window may show before its hit, counting only lines the passing log lacks (step tails). */
  tail?: number;
  hit: number;
  from: number;
  to: number;
}

import type { Kind } from "./patterns.js";

/** One log line the reducer may keep. `raw` and `text` are latin1-scanned (see line-text.ts). */
export interface LineRecord {
  index: number;
  /** The line without ANSI codes and leading timestamp, as it will be printed (before UTF-8 decoding). */
  out: string;
  /** The message part used for matching (also without a `gh run view` prefix). */
  text: string;
  kind: Kind;
  score: number;
  step: number;
  /** How many identical lines directly followed this one (collapsed). */
  repeats: number;
}

export interface StepInfo {
  start: number;
  name: string;
  failed: boolean;
  /** Index of the line that reported the failure, -1 if none. */
  failedAt: number;
}

/** What the collector's streaming pass leaves for the excerpt to be chosen from. */
export interface Collected {
  retained: Map<number, LineRecord>;
  steps: StepInfo[];
  /** Lines that are not blank: the line indices of `retained` and `steps` count these only. */
  totalLines: number;
  /** Every line of the log, blank ones included. */
  rawLines: number;
}

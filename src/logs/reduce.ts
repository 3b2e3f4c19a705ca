import { Collector, type Collected } from "./collector.js";
import { LineSplitter } from "./split-lines.js";
import { selectLines, type Tuning } from "./select-lines.js";
import { renderExcerpt } from "./render-excerpt.js";
import { readPassingSet } from "./passing-set.js";
import { CANDIDATE_LINE } from "./patterns.js";
import { createPieceGate } from "./chunk-gate.js";

export { openLogFile } from "./open-log-file.js";
export { readPassingSet } from "./passing-set.js";
export { DEFAULT_TUNING, type Tuning } from "./select-lines.js";

export interface ReduceOptions {
  /** Excerpt size in lines, omission markers included (default 150). */
  maxLines?: number;
  /** A passing log of the same job: lines that also appear there rarely explain the failure. */
  passing?: AsyncIterable<Uint8Array> | null;
}

export interface ReducedLog {
  lines: string[];
  text: string;
  totalLines: number;
  failedStep?: string;
}

export const DEFAULT_MAX_LINES = 150;
const MIN_LINES = 3;
const MAX_LINES = 100_000;

/** Reduces a raw CI log (any size: memory stays flat) to an excerpt of at most `maxLines` lines, in log order. */
export async function reduceLog(source: AsyncIterable<Uint8Array>, opts: ReduceOptions = {}): Promise<ReducedLog> {
  const maxLines = parseMaxLines(opts.maxLines);
  const passing = opts.passing ? await readPassingSet(opts.passing) : null;
  return excerptOf(await collectLog(source, maxLines), maxLines, passing);
}

/** The streaming pass alone: what the excerpt is chosen from (the benchmark re-chooses it with other tunings). */
export async function collectLog(source: AsyncIterable<Uint8Array>, maxLines: number): Promise<Collected> {
  const gate = createPieceGate();
  const collector = new Collector(maxLines, gate.piece);
  const splitter = new LineSplitter(collector, gate, CANDIDATE_LINE);
  for await (const chunk of source) splitter.push(chunk);
  splitter.end();
  return collector.finish();
}

export function excerptOf(collected: Collected, maxLines: number, passing: Set<number> | null, tuning?: Readonly<Tuning>): ReducedLog {
  const { indices, failedStep } = selectLines(collected, maxLines, passing, tuning);
  const lines = renderExcerpt(indices, collected.retained, collected.steps, collected.totalLines);
  return { lines, text: lines.join("\n"), totalLines: collected.rawLines, ...(failedStep ? { failedStep } : {}) };
}

export async function reduceLogText(text: string, opts: { maxLines?: number; passingText?: string } = {}): Promise<ReducedLog> {
  return reduceLog(once(Buffer.from(text, "utf8")), {
    maxLines: opts.maxLines,
    passing: opts.passingText === undefined ? null : once(Buffer.from(opts.passingText, "utf8")),
  });
}

// A plain check rather than a zod schema: the reducer imports nothing, so `reduce-log` and the benchmark's
// child process do not pay for loading a validation library (14 MB of RSS) to check one number.
function parseMaxLines(value: number | undefined): number {
  if (value === undefined) return DEFAULT_MAX_LINES;
  if (!Number.isInteger(value) || value < MIN_LINES || value > MAX_LINES) {
    throw new Error(`maxLines must be an integer from ${MIN_LINES} to ${MAX_LINES}, got ${String(value)}`);
  }
  return value;
}

async function* once(buf: Uint8Array): AsyncIterable<Uint8Array> {
  yield buf;
}

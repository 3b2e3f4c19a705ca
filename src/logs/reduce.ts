import { z } from "zod";
import { Collector } from "./collector.js";
import { LineSplitter } from "./split-lines.js";
import { selectLines } from "./select-lines.js";
import { renderExcerpt } from "./render-excerpt.js";
import { readPassingSet } from "./passing-set.js";
import { CANDIDATE_LINE, flaggedAtLineStart } from "./patterns.js";
import { ChunkGate } from "./chunk-gate.js";

export { openLogFile } from "./open-log-file.js";

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
const MaxLines = z.number().int().min(3).max(100_000);

/** Reduces a raw CI log (any size: memory stays flat) to an excerpt of at most `maxLines` lines, in log order. */
export async function reduceLog(source: AsyncIterable<Uint8Array>, opts: ReduceOptions = {}): Promise<ReducedLog> {
  const maxLines = parseMaxLines(opts.maxLines);
  const passing = opts.passing ? await readPassingSet(opts.passing) : null;
  const collector = new Collector(maxLines);
  const splitter = new LineSplitter(
    collector,
    new ChunkGate(),
    CANDIDATE_LINE,
    flaggedAtLineStart,
  );
  for await (const chunk of source) splitter.push(chunk);
  splitter.end();
  const collected = collector.finish();
  const { indices, failedStep } = selectLines(collected, maxLines, passing);
  const lines = renderExcerpt(indices, collected.retained, collected.steps, collected.totalLines);
  return { lines, text: lines.join("\n"), totalLines: collected.totalLines, ...(failedStep ? { failedStep } : {}) };
}

export async function reduceLogText(
  text: string,
  opts: { maxLines?: number; passingText?: string } = {},
): Promise<ReducedLog> {
  return reduceLog(once(Buffer.from(text, "utf8")), {
    maxLines: opts.maxLines,
    passing: opts.passingText === undefined ? null : once(Buffer.from(opts.passingText, "utf8")),
  });
}

function parseMaxLines(value: number | undefined): number {
  if (value === undefined) return DEFAULT_MAX_LINES;
  const parsed = MaxLines.safeParse(value);
  if (!parsed.success) throw new Error(`maxLines must be an integer from 3 to 100000, got ${String(value)}`);
  return parsed.data;
}

async function* once(buf: Uint8Array): AsyncIterable<Uint8Array> {
  yield buf;
}

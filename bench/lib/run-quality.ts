import { openLogFile, reduceLog } from "../../src/logs/reduce.js";
import type { CorpusCase } from "./corpus-cases.js";
import { scoreExcerpt, type CaseScore } from "./score-excerpt.js";

export interface SetFigures {
  cases: number;
  success_rate: number;
  mean_recall: number;
  mean_precision: number;
  mean_lines: number;
  /** Success with strict line equality (label edges that are partial log lines count as missed). */
  strict_success_rate: number;
  p95_lines: number;
}

export interface CaseResult extends CaseScore {
  strictRecall: number;
  id: string;
  excerpt: string[];
  label: string[];
}

export async function runCase(c: CorpusCase, maxLines?: number): Promise<CaseResult> {
  const reduced = await reduceLog(openLogFile(c.logPath), {
    maxLines,
    passing: c.passingPath ? openLogFile(c.passingPath) : null,
  });
  const strictRecall = scoreExcerpt(reduced.lines, c.label, { edgeTolerant: false }).recall;
  return { id: c.id, excerpt: reduced.lines, label: c.label, strictRecall, ...scoreExcerpt(reduced.lines, c.label) };
}

export function summarise(results: CaseResult[]): SetFigures {
  const n = results.length;
  const mean = (f: (r: CaseResult) => number) => (n === 0 ? 0 : results.reduce((s, r) => s + f(r), 0) / n);
  const sizes = results.map((r) => r.excerptLines).sort((a, b) => a - b);
  return {
    cases: n,
    success_rate: mean((r) => (r.recall === 1 ? 1 : 0)),
    mean_recall: mean((r) => r.recall),
    mean_precision: mean((r) => r.precision),
    mean_lines: mean((r) => r.excerptLines),
    strict_success_rate: mean((r) => (r.strictRecall === 1 ? 1 : 0)),
    p95_lines: n === 0 ? 0 : sizes[Math.min(n - 1, Math.ceil(0.95 * n) - 1)],
  };
}

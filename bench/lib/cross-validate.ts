import { DEFAULT_TUNING, collectLog, excerptOf, openLogFile, readPassingSet, type Tuning } from "../../src/logs/reduce.js";
import type { Collected } from "../../src/logs/collector.js";
import type { CorpusCase } from "./corpus-cases.js";
import type { CaseResult } from "./run-quality.js";
import { scoreExcerpt } from "./score-excerpt.js";

// Grouped cross-validation by repository. A repository's logs share its toolchain and its habits, so a rule or
// weight that was chosen while looking at them is not tested by them. Every part of the reducer that was derived
// from data and can be derived again is chosen per fold from the other repositories' logs only, and the
// held-out repository is scored with that choice (leave one repository out). What cannot be re-derived per
// fold is named by `NOT_FITTED`: its in-corpus figure is optimistic, and the per-repository spread shows where.

export const FITTED = "the 13 selection constants of src/logs/tuning.ts (chosen per fold among the candidates below)";
export const NOT_FITTED =
  "the line rules of src/logs/patterns.ts and the collector's windows (hand-written from toolchain formats; " +
  "cannot be re-derived per fold, so no split removes what was learnt from reading this corpus)";

/** The hand-tuned values, and each constant moved alone to values around them: what a fold may choose from. */
const VARIANTS: { [K in keyof Tuning]: number[] } = {
  blockSpan: [10, 20, 45, 60],
  failStep: [0, 4, 12, 16],
  pos: [0, 1.5, 6, 10],
  before: [1, 2, 8, 12],
  after: [1, 2, 6, 10],
  summary: [6, 12, 40, 60],
  stepTail: [4, 6, 16, 24],
  nWin: [3, 5, 20, 40],
  growAfter: [1, 3, 4],
  growBefore: [0, 2],
  decay: [0, 0.5, 2],
  first: [0, 1, 4, 8],
  minRate: [0, 0.05, 0.3, 1],
};

export interface Candidate {
  name: string;
  tuning: Readonly<Tuning>;
}

export function candidates(): Candidate[] {
  const list: Candidate[] = [{ name: "hand-tuned", tuning: DEFAULT_TUNING }];
  for (const [key, values] of Object.entries(VARIANTS) as [keyof Tuning, number[]][]) {
    for (const v of values) list.push({ name: `${key}=${v}`, tuning: { ...DEFAULT_TUNING, [key]: v } });
  }
  return list;
}

/** A case read once: the collector's pass is the costly part and does not depend on the tuning. */
export interface PreparedCase {
  c: CorpusCase;
  collected: Collected;
  passing: Set<number> | null;
}

export async function prepare(c: CorpusCase, maxLines: number): Promise<PreparedCase> {
  const passing = c.passingPath ? await readPassingSet(openLogFile(c.passingPath)) : null;
  return { c, collected: await collectLog(openLogFile(c.logPath), maxLines), passing };
}

export function scorePrepared(p: PreparedCase, maxLines: number, tuning: Readonly<Tuning>): CaseResult {
  const { lines } = excerptOf(p.collected, maxLines, p.passing, tuning);
  const strictRecall = scoreExcerpt(lines, p.c.label, { edgeTolerant: false }).recall;
  return { id: p.c.id, excerpt: lines, label: p.c.label, strictRecall, ...scoreExcerpt(lines, p.c.label) };
}

export interface CrossValidation {
  /** Per case (same order as the input): scored with the hand-tuned values, chosen on the whole corpus. */
  inCorpus: CaseResult[];
  /** Per case: scored with what its fold chose without its repository. */
  heldOut: CaseResult[];
  /** How many folds chose each candidate. */
  chosen: Map<string, number>;
  folds: number;
}

export function crossValidate(prepared: PreparedCase[], maxLines: number): CrossValidation {
  const cands = candidates();
  // results[k][i]: case i under candidate k. Excerpts of the candidates are dropped but for the chosen ones.
  const results = cands.map((cand) => prepared.map((p) => scorePrepared(p, maxLines, cand.tuning)));
  const ok = results.map((rs) => rs.map((r) => (r.recall === 1 ? 1 : 0)));
  const total = ok.map((row) => row.reduce((a: number, b) => a + b, 0));
  const repos = [...new Set(prepared.map((p) => p.c.repo))];
  const heldOut: CaseResult[] = new Array<CaseResult>(prepared.length);
  const chosen = new Map<string, number>();
  for (const repo of repos) {
    const mine = prepared.flatMap((p, i) => (p.c.repo === repo ? [i] : []));
    // Training success = all cases minus this repository's; the hand-tuned values win ties.
    let best = 0;
    let bestScore = -1;
    for (let k = 0; k < cands.length; k++) {
      const score = total[k] - mine.reduce((s, i) => s + ok[k][i], 0);
      if (score > bestScore) {
        best = k;
        bestScore = score;
      }
    }
    chosen.set(cands[best].name, (chosen.get(cands[best].name) ?? 0) + 1);
    for (const i of mine) heldOut[i] = results[best][i];
  }
  return { inCorpus: results[0], heldOut, chosen, folds: repos.length };
}

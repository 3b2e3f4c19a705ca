// The corpus README's metric: line-level chunk retrieval on normalised lines (multiset intersection).

const ANSI = /\x1b(?:\[[0-9;?<=>]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])/g;
const LEADING_TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z ?/;

export function normaliseText(text: string): string[] {
  return text
    .replace(/^\uFEFF/, "")
    .replace(/\r\n/g, "\n")
    .replace(/\r/g, "\n")
    .split("\n")
    .map(normaliseLine);
}

export function normaliseLine(line: string): string {
  return line.replace(ANSI, "").replace(LEADING_TIMESTAMP, "").trimEnd();
}

// A LogChunks label is a substring of the log, so its first line may start and its last line may end in the
// middle of a log line. Strict line equality would count those edges as missed even when the excerpt holds
// the whole line; `edgeTolerant` (the default) lets the first label line match the end of an excerpt line and
// the last match the start of one. The strict figure is reported beside it.
export interface ScoreOptions {
  edgeTolerant?: boolean;
}

export interface CaseScore {
  recall: number;
  precision: number;
  excerptLines: number;
  labelLines: number;
}

export function scoreExcerpt(excerpt: string[], label: string[], opts: ScoreOptions = {}): CaseScore {
  const want = new Map<string, number>();
  const labelNorm = label.map(normaliseLine).filter((l) => l !== "");
  const labelLines = labelNorm.length;
  for (const l of labelNorm) want.set(l, (want.get(l) ?? 0) + 1);
  let tp = 0;
  const unused: string[] = [];
  for (const line of excerpt) {
    const l = normaliseLine(line);
    const n = want.get(l);
    if (n) {
      tp++;
      want.set(l, n - 1);
    } else unused.push(l);
  }
  if (opts.edgeTolerant !== false && labelLines > 0) {
    const first = labelNorm[0];
    const last = labelNorm[labelLines - 1];
    const take = (ok: (l: string) => boolean): boolean => {
      const at = unused.findIndex(ok);
      if (at < 0) return false;
      unused.splice(at, 1);
      return true;
    };
    if (labelLines === 1) {
      if (want.get(first) && take((l) => l.includes(first))) tp++;
    } else {
      if (want.get(first) && take((l) => l.endsWith(first))) {
        tp++;
        want.set(first, (want.get(first) as number) - 1);
      }
      if (want.get(last) && take((l) => l.startsWith(last))) tp++;
    }
  }
  return {
    recall: labelLines === 0 ? 1 : tp / labelLines,
    precision: excerpt.length === 0 ? 0 : tp / excerpt.length,
    excerptLines: excerpt.length,
    labelLines,
  };
}

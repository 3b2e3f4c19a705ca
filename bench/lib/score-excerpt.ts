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

export interface CaseScore {
  recall: number;
  precision: number;
  excerptLines: number;
  labelLines: number;
}

export function scoreExcerpt(excerpt: string[], label: string[]): CaseScore {
  const want = new Map<string, number>();
  let labelLines = 0;
  for (const line of label) {
    const l = normaliseLine(line);
    if (l === "") continue;
    labelLines++;
    want.set(l, (want.get(l) ?? 0) + 1);
  }
  let tp = 0;
  for (const line of excerpt) {
    const l = normaliseLine(line);
    const n = want.get(l);
    if (n) {
      tp++;
      want.set(l, n - 1);
    }
  }
  return {
    recall: labelLines === 0 ? 1 : tp / labelLines,
    precision: excerpt.length === 0 ? 0 : tp / excerpt.length,
    excerptLines: excerpt.length,
    labelLines,
  };
}

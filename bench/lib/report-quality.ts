import type { CorpusCase } from "./corpus-cases.js";
import type { CaseResult, SetFigures } from "./run-quality.js";
import { summarise } from "./run-quality.js";

// How bench:logs prints quality: one line of figures per set, and success per repository and per toolchain
// family, so that a rule that only helps one repository shows.

export function figuresLine(label: string, f: SetFigures): string {
  return (
    `${label.padEnd(24)} cases ${f.cases}  success ${pct(f.success_rate)}  strict ${pct(f.strict_success_rate)}  ` +
    `recall ${f.mean_recall.toFixed(3)}  precision ${f.mean_precision.toFixed(3)}  excerpt lines mean ${f.mean_lines.toFixed(1)} p95 ${f.p95_lines}`
  );
}

export interface GroupFigure {
  name: string;
  cases: number;
  ok: number;
}

/** Success per value of `key` (repository or family), worst first. */
export function byGroup(cases: CorpusCase[], results: CaseResult[], key: (c: CorpusCase) => string): GroupFigure[] {
  const groups = new Map<string, GroupFigure>();
  cases.forEach((c, i) => {
    const g = groups.get(key(c)) ?? { name: key(c), cases: 0, ok: 0 };
    g.cases++;
    if (results[i].recall === 1) g.ok++;
    groups.set(g.name, g);
  });
  return [...groups.values()].sort((a, b) => a.ok / a.cases - b.ok / b.cases || a.name.localeCompare(b.name));
}

/** The groups in columns: "name ok/cases". */
export function groupTable(groups: GroupFigure[], columns = 3, width = 46): string {
  const cells = groups.map((g) => `${g.name.slice(0, width - 8).padEnd(width - 7)}${`${g.ok}/${g.cases}`.padStart(5)}`);
  const rows: string[] = [];
  for (let i = 0; i < cells.length; i += columns) rows.push("  " + cells.slice(i, i + columns).join("  "));
  return rows.join("\n");
}

/** Each group counts once: the figure for a new repository, whatever its number of logs. */
export function macroSuccess(groups: GroupFigure[]): number {
  return groups.length === 0 ? 0 : groups.reduce((s, g) => s + g.ok / g.cases, 0) / groups.length;
}

export function pct(x: number): string {
  return `${(x * 100).toFixed(1)} %`;
}

export { summarise };

// The table `npm run test:faults` prints at the end of the run: one line per fault case, from the row each case
// recorded on its test (fault-row.ts). A case that failed before recording its row still gets a line, so a
// broken case cannot quietly drop out of the table. Any loss or duplicate also sets a failing exit code, on top
// of the cases' own assertions.
import type { Reporter, TestCase, TestModule } from "vitest/node";
import type { FaultRow } from "./fault-row.js";

const HEADERS = ["case", "outcome", "comments", "check runs", "PRs", "jobs lost", "duplicates"] as const;

export interface TableLine {
  row: FaultRow;
  state: string;
}

/**
 * The rows of every fault case that ran, in file and test order: every test under test/faults/, and any test
 * elsewhere that recorded a row (the rolling upgrade lives with the other upgrade tests in test/jobs/).
 */
export function collectRows(modules: ReadonlyArray<TestModule>): TableLine[] {
  const lines: TableLine[] = [];
  for (const module of modules) {
    const faultsFile = /test\/faults\//.test(module.moduleId);
    for (const test of module.children.allTests()) if (faultsFile || test.meta().faultRow) lines.push(lineOf(test));
  }
  return lines;
}

function lineOf(test: TestCase): TableLine {
  const state = test.result().state;
  const row = test.meta().faultRow;
  if (row) return { row: state === "failed" ? { ...row, outcome: `FAILED: ${row.outcome}` } : row, state };
  const why = state === "failed" ? "FAILED before its row was recorded" : `${state}, no row recorded`;
  return { row: { case: test.name, outcome: why, comments: 0, checkRuns: 0, prs: 0, lost: 0, duplicates: 0 }, state };
}

/** A Markdown table (readable in a terminal and pasteable into the README). */
export function formatTable(lines: TableLine[]): string {
  const cells = lines.map(({ row }) => [row.case, row.outcome, row.comments, row.checkRuns, row.prs, row.lost, row.duplicates].map(String));
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const numeric = (i: number) => i >= 2;
  const fmt = (c: readonly string[]) => `| ${c.map((v, i) => (numeric(i) ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join(" | ")} |`;
  const rule = `|${widths.map((w, i) => (numeric(i) ? `${"-".repeat(w + 1)}:` : "-".repeat(w + 2))).join("|")}|`;
  return [fmt(HEADERS), rule, ...cells.map(fmt)].join("\n");
}

export default class FaultTableReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const lines = collectRows(modules);
    if (lines.length === 0) return;
    const lost = lines.reduce((n, l) => n + l.row.lost, 0);
    const duplicates = lines.reduce((n, l) => n + l.row.duplicates, 0);
    const failed = lines.filter((l) => l.state === "failed").length;
    process.stdout.write(`\nFault suite: ${lines.length} cases on real PostgreSQL, real worker processes and the real codex binary\n\n`);
    process.stdout.write(`${formatTable(lines)}\n\n`);
    process.stdout.write(`jobs lost: ${lost}, duplicates: ${duplicates}, failed cases: ${failed}\n`);
    if (lost > 0 || duplicates > 0) process.exitCode = 1;
  }
}

#!/usr/bin/env node
// `npm run test:security`: runs every security test and prints one row per case: case, attack, outcome.
// A case is a test named `[S<finding>.<n>] <attack> → <safe outcome>`; it is "safe" when the test passed and
// "unsafe" when it failed. Other tests in the security files are listed too. Exits 1 on any unsafe case.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const FILES = [
  "test/security",
  "test/e2e/agents-md.test.ts",
  "test/redact",
  "test/commands/prompt.test.ts",
  "test/agent/codex-run.test.ts",
  "test/workspace",
];
const dir = mkdtempSync(path.join(tmpdir(), "security-table-"));
const report = path.join(dir, "report.json");
const run = spawnSync("npx", ["vitest", "run", ...FILES, "--reporter=dot", "--reporter=json", `--outputFile.json=${report}`], {
  stdio: ["ignore", "inherit", "inherit"],
});

let results;
try {
  results = JSON.parse(readFileSync(report, "utf8"));
} catch {
  console.error("test:security: vitest wrote no report");
  process.exit(1);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const rows = [];
for (const file of results.testResults) {
  for (const t of file.assertionResults) {
    const m = /^\[S(\d+)\.(\d+)\]\s*(.*)$/.exec(t.title);
    const [attack, expected] = (m ? m[3] : t.title).split(" → ");
    rows.push({
      id: m ? `S${m[1]}.${m[2]}` : "",
      order: m ? Number(m[1]) * 1000 + Number(m[2]) : 1e9,
      attack: attack.trim(),
      expected: (expected ?? "").trim(),
      outcome: t.status === "passed" ? "safe" : t.status === "failed" ? "UNSAFE" : t.status,
      where: path.relative(process.cwd(), file.name),
    });
  }
}
rows.sort((a, b) => a.order - b.order || a.where.localeCompare(b.where));
const cases = rows.filter((r) => r.id);
const others = rows.filter((r) => !r.id);
const cut = (s, n) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
console.log("\n| case | attack | outcome |\n| --- | --- | --- |");
for (const r of cases) console.log(`| ${r.id} | ${cut(r.attack, 110)} → ${cut(r.expected, 60)} | ${r.outcome} |`);
const othersFailed = others.filter((r) => r.outcome !== "safe");
console.log(
  `\n${others.length} further checks in the security files (isolation, sandbox, redaction, policy): ${others.length - othersFailed.length} passed.`,
);
for (const r of othersFailed) console.log(`- ${r.outcome}: ${r.where}: ${r.attack}`);
const unsafe = cases.filter((r) => r.outcome !== "safe").length + othersFailed.length;
console.log(
  `\n${cases.length} attack cases: ${cases.length - cases.filter((r) => r.outcome !== "safe").length} safe, ${cases.filter((r) => r.outcome !== "safe").length} unsafe.`,
);
process.exit(unsafe > 0 || run.status !== 0 ? 1 : 0);

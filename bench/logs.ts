// npm run bench:logs — the log reducer measured on the labelled corpus (../shared/corpus or CORPUS_DIR) and
// for speed on a 1 GB log it builds. Options: --no-speed, --set NAME, --misses (print what was missed),
// --speed-mb N (size of the synthetic log).
import { existsSync } from "node:fs";
import { corpusDir, DATA_SETS, loadCases } from "./lib/corpus-cases.js";
import { runCase, summarise, type SetFigures } from "./lib/run-quality.js";
import { measureSpeed, type SpeedFigures } from "./lib/measure-speed.js";

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const value = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

const dir = corpusDir();
const result: { corpus: string; sets: Record<string, SetFigures>; speed?: SpeedFigures; corpus_missing?: true } = {
  corpus: dir,
  sets: {},
};

if (!existsSync(dir)) {
  console.log(`corpus not found at ${dir} (set CORPUS_DIR): no quality figures`);
  result.corpus_missing = true;
} else {
  for (const set of DATA_SETS) {
    if (value("--set") && value("--set") !== set) continue;
    const cases = loadCases(dir, set);
    if (cases.length === 0) continue;
    const results = [];
    for (const c of cases) results.push(await runCase(c));
    const f = summarise(results);
    result.sets[set] = f;
    console.log(
      `${set.padEnd(11)} cases ${f.cases}  success ${(f.success_rate * 100).toFixed(1)} %  recall ${f.mean_recall.toFixed(3)}  ` +
        `precision ${f.mean_precision.toFixed(3)}  lines mean ${f.mean_lines.toFixed(1)} p95 ${f.p95_lines}  (strict success ${(f.strict_success_rate * 100).toFixed(1)} %)`,
    );
    if (flag("--misses")) {
      for (const r of results.filter((x) => x.recall < 1)) {
        const got = new Set(r.excerpt);
        const missing = r.label.filter((l) => !got.has(l));
        console.log(`  MISS ${r.id} recall ${r.recall.toFixed(2)} label ${r.labelLines}: ${JSON.stringify(missing[0]?.slice(0, 120))}`);
      }
    }
  }
}

if (!flag("--no-speed")) {
  const mb = Number(value("--speed-mb") ?? 1024);
  const s = await measureSpeed(mb * 1024 * 1024);
  result.speed = s;
  console.log(
    `speed       ${s.log_mb} MB log: reducer ${s.reducer_mb_s} MB/s (one core), peak RSS ${s.reducer_peak_rss_mb} MB; ` +
      `grep -ciE ${s.grep_mb_s} MB/s; reducer/grep ${s.reducer_vs_grep} (best of 3 each)`,
  );
}

console.log(JSON.stringify(result));

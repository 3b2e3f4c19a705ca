// npm run bench:logs — the log reducer measured on the labelled corpus (../shared/corpus or CORPUS_DIR), cross-
// validated by repository (the headline), and for speed on real and synthetic logs beside grep. Options:
// --no-speed, --set NAME, --misses (print what was missed), --groups (success per repository and family),
// --speed-mb N (size of the logs timed), --no-quality.
import { existsSync } from "node:fs";
import { corpusDir, DATA_SETS, loadCases, type CorpusCase } from "./lib/corpus-cases.js";
import { type SetFigures } from "./lib/run-quality.js";
import { crossValidate, FITTED, NOT_FITTED, prepare, type PreparedCase } from "./lib/cross-validate.js";
import { byGroup, figuresLine, groupTable, macroSuccess, pct, summarise } from "./lib/report-quality.js";
import { measureSpeed, type SpeedFigures } from "./lib/measure-speed.js";
import { writeRealLog } from "./lib/real-log.js";
import { writeSyntheticLog } from "./lib/synthetic-log.js";
import { corpusHashes, type CorpusHashes } from "./lib/excerpt-hash.js";

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const value = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const MAX_LINES = 150;

const dir = corpusDir();
const result: {
  corpus: string;
  sets: Record<string, SetFigures>;
  cross_validated: Record<string, SetFigures & { macro_success_by_repository: number }>;
  speed?: SpeedFigures[];
  sha256?: CorpusHashes;
  corpus_missing?: true;
} = { corpus: dir, sets: {}, cross_validated: {} };

if (flag("--no-quality")) {
  // speed only
} else if (!existsSync(dir)) {
  console.log(`corpus not found at ${dir} (set CORPUS_DIR): no quality figures`);
  result.corpus_missing = true;
} else {
  const prepared: PreparedCase[] = [];
  for (const set of DATA_SETS) {
    if (value("--set") && value("--set") !== set) continue;
    for (const c of loadCases(dir, set)) prepared.push(await prepare(c, MAX_LINES));
  }
  const cv = crossValidate(prepared, MAX_LINES);
  console.log(`fitted per fold: ${FITTED}; ${cv.folds} folds, one repository held out each`);
  console.log(`not fitted: ${NOT_FITTED}`);
  console.log(`chosen by the folds: ${[...cv.chosen].map(([name, n]) => `${name} ×${n}`).join(", ")}`);
  for (const set of DATA_SETS) {
    const idx = prepared.flatMap((p, i) => (p.c.set === set ? [i] : []));
    if (idx.length === 0) continue;
    const cases: CorpusCase[] = idx.map((i) => prepared[i].c);
    const inCorpus = idx.map((i) => cv.inCorpus[i]);
    const heldOut = idx.map((i) => cv.heldOut[i]);
    const f = summarise(inCorpus);
    const h = summarise(heldOut);
    const repos = byGroup(cases, heldOut, (c) => c.repo);
    result.sets[set] = f;
    result.cross_validated[set] = { ...h, macro_success_by_repository: macroSuccess(repos) };
    console.log(figuresLine(`${set} cross-validated`, h) + `  (by repository ${pct(macroSuccess(repos))}, ${repos.length} repos)`);
    console.log(figuresLine(`${set} in-corpus`, f));
    if (set === "logchunks" || flag("--groups")) {
      console.log(`  success per repository (cross-validated), worst first:\n${groupTable(repos)}`);
      console.log(
        `  success per family (cross-validated):\n${groupTable(
          byGroup(cases, heldOut, (c) => c.family),
          4,
          34,
        )}`,
      );
    }
    if (flag("--misses")) {
      for (const r of heldOut.filter((x) => x.recall < 1)) {
        const got = new Set(r.excerpt);
        const missing = r.label.filter((l) => !got.has(l));
        console.log(`  MISS ${r.id} recall ${r.recall.toFixed(2)} label ${r.labelLines}: ${JSON.stringify(missing[0]?.slice(0, 120))}`);
      }
    }
  }
  result.sha256 = corpusHashes(prepared, MAX_LINES);
  console.log(`sha256 of every excerpt ${result.sha256.excerpts}; of every collected line ${result.sha256.collected}`);
  console.log(`goal: mean excerpt ≤ ${MAX_LINES} lines (the budget); success counted edge-tolerant, strict beside it`);
}

if (!flag("--no-speed")) {
  const bytes = Number(value("--speed-mb") ?? 1024) * 1024 * 1024;
  const logs = DATA_SETS.flatMap((set) => (existsSync(dir) ? loadCases(dir, set) : []));
  result.speed = [];
  // Real logs first: they are the figure that matters; the synthetic one is kinder (fewer error words).
  if (logs.length > 0)
    result.speed.push(await measureSpeed("real CI logs (the corpus, repeated)", bytes, (f, n) => writeRealLog(f, logs, n)));
  result.speed.push(await measureSpeed("synthetic Actions log", bytes, writeSyntheticLog));
  for (const s of result.speed) {
    console.log(
      `speed ${s.log}, ${s.log_mb} MB: reducer ${range(s.reducer_mb_s_runs)} MB/s (one core; per CPU second ${range(s.reducer_cpu_mb_s_runs)}), peak RSS ${s.reducer_peak_rss_mb} MB; ` +
        `grep -ciE ${range(s.grep_mb_s_runs)} MB/s; reducer/grep ${s.reducer_vs_grep} (best of each, runs taken in turns)`,
    );
  }
}

function range(runs: number[]): string {
  const lo = Math.min(...runs).toFixed(0);
  const hi = Math.max(...runs).toFixed(0);
  return lo === hi ? lo : `${lo}–${hi}`;
}

console.log(JSON.stringify(result));

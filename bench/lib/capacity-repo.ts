// A realistic repository for the capacity bench: a few thousand files of a mid-sized JavaScript project
// (source modules, docs, JSON fixtures, some binary assets), generated from a seed so every run checks out the
// same tree. Text is built from identifiers and keywords, so git compresses it about as well as real code.
import { pick, seededRng, type Rng } from "./simulate-prng.js";

export interface RepoShape {
  modules: number;
  docs: number;
  fixtures: number;
  assets: number;
}

export const DEFAULT_SHAPE: RepoShape = { modules: 2400, docs: 300, fixtures: 250, assets: 50 };

const WORDS = ["user", "order", "cache", "config", "token", "item", "queue", "event", "parse", "render", "value", "index"];
const WORDS2 = ["Id", "List", "Map", "State", "Result", "Error", "Count", "Name", "Options", "Handler", "Store", "Key"];

function ident(rng: Rng): string {
  return pick(rng, WORDS) + pick(rng, WORDS2) + Math.floor(rng() * 100);
}

function jsModule(rng: Rng, i: number): string {
  const lines = [
    `// module ${i}: ${pick(rng, WORDS)} ${pick(rng, WORDS)} helpers`,
    `import { ${ident(rng)} } from "../core/${pick(rng, WORDS)}.js";`,
    "",
  ];
  const fns = 3 + Math.floor(rng() * 12);
  for (let f = 0; f < fns; f++) {
    const a = ident(rng);
    const b = ident(rng);
    lines.push(`export function ${ident(rng)}(${a}, ${b}) {`);
    const body = 2 + Math.floor(rng() * 10);
    for (let l = 0; l < body; l++) {
      lines.push(
        pick(rng, [
          `  const ${ident(rng)} = ${a}.${pick(rng, WORDS)} ?? ${Math.floor(rng() * 1000)};`,
          `  if (${a} === ${b}) return null;`,
          `  for (const ${ident(rng)} of ${b}) ${a}.push(${ident(rng)});`,
          `  // ${pick(rng, WORDS)} must stay ${pick(rng, WORDS2).toLowerCase()} here, see #${Math.floor(rng() * 5000)}`,
          `  await ${ident(rng)}(${a}, { ${pick(rng, WORDS)}: ${b} });`,
        ]),
      );
    }
    lines.push(`  return ${a} + ${b};`, "}", "");
  }
  return lines.join("\n");
}

function doc(rng: Rng, i: number): string {
  const paras = 3 + Math.floor(rng() * 15);
  const out = [`# ${pick(rng, WORDS)} ${i}`, ""];
  for (let p = 0; p < paras; p++) {
    out.push(
      Array.from({ length: 30 + Math.floor(rng() * 60) }, () => pick(rng, [...WORDS, ...WORDS2, "the", "a", "of", "to"])).join(" "),
      "",
    );
  }
  return out.join("\n");
}

function fixture(rng: Rng): string {
  const rows = Array.from({ length: 10 + Math.floor(rng() * 80) }, () => ({ id: Math.floor(rng() * 1e6), name: ident(rng), value: rng() }));
  return JSON.stringify(rows, null, 2) + "\n";
}

/** Random characters: as incompressible as the images and fonts a real repository carries. */
function asset(rng: Rng): string {
  const n = 8_000 + Math.floor(rng() * 40_000);
  let s = "";
  for (let i = 0; i < n; i++) s += String.fromCharCode(Math.floor(rng() * 256));
  return s;
}

/** Path → content, for createBareRemote. */
export function generateRepoFiles(seed = 1, shape: RepoShape = DEFAULT_SHAPE): Record<string, string> {
  const rng = seededRng(seed);
  const files: Record<string, string> = {};
  for (let i = 0; i < shape.modules; i++) files[`src/${pick(rng, WORDS)}/${pick(rng, WORDS)}-${i}.js`] = jsModule(rng, i);
  for (let i = 0; i < shape.docs; i++) files[`docs/${pick(rng, WORDS)}/page-${i}.md`] = doc(rng, i);
  for (let i = 0; i < shape.fixtures; i++) files[`fixtures/${pick(rng, WORDS)}-${i}.json`] = fixture(rng);
  for (let i = 0; i < shape.assets; i++) files[`assets/img-${i}.bin`] = asset(rng);
  return files;
}

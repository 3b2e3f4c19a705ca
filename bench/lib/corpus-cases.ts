import { existsSync, readdirSync, readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import path from "node:path";
import { z } from "zod";
import { normaliseText } from "./score-excerpt.js";

// Reads the labelled corpus (see its README). Only the benchmark reads labels; the reducer never does.

export interface CorpusCase {
  set: string;
  id: string;
  /** The repository the log is from: the unit of cross-validation (a repository's logs share its rules' luck). */
  repo: string;
  /** The toolchain family (LogChunks' language; the case itself for the GitHub Actions sets). */
  family: string;
  logPath: string;
  passingPath: string | null;
  label: string[];
}

const LogDxTruth = z.object({
  required_signals: z.array(
    z.object({
      importance: z.string(),
      evidence_lines: z.array(z.tuple([z.number().int(), z.number().int()])).default([]),
    }),
  ),
});

export const DATA_SETS = ["logchunks", "cidiff-gha", "logdx"] as const;

export function corpusDir(): string {
  return process.env.CORPUS_DIR ?? path.resolve(process.cwd(), "../shared/corpus");
}

export function loadCases(dir: string, set: string): CorpusCase[] {
  const base = path.join(dir, set);
  if (!existsSync(base)) return [];
  const cases: CorpusCase[] = [];
  for (const id of readdirSync(base).sort()) {
    const folder = path.join(base, id);
    const logPath = path.join(folder, "log.txt.gz");
    if (!existsSync(logPath)) continue;
    const passing = path.join(folder, "pass.log.txt.gz");
    const label = set === "logdx" ? logDxLabel(folder, logPath) : chunkLabel(folder);
    if (label === null) continue;
    const { repo, family } = origin(folder, set, id);
    cases.push({ set, id, repo, family, logPath, passingPath: existsSync(passing) ? passing : null, label });
  }
  return cases;
}

const LogChunksMeta = z.object({ repository: z.string(), language: z.string() });

function origin(folder: string, set: string, id: string): { repo: string; family: string } {
  if (set !== "logchunks") return { repo: id, family: set };
  const meta = LogChunksMeta.parse(JSON.parse(readFileSync(path.join(folder, "meta.json"), "utf8")));
  return { repo: meta.repository, family: meta.language };
}

function chunkLabel(folder: string): string[] | null {
  const file = path.join(folder, "chunk.txt");
  if (!existsSync(file)) return null;
  return normaliseText(readFileSync(file, "utf8")).filter((l) => l !== "");
}

/** The union of the evidence lines of every critical signal, read from the newline-normalised log. */
function logDxLabel(folder: string, logPath: string): string[] | null {
  const file = path.join(folder, "ground_truth.json");
  if (!existsSync(file)) return null;
  const truth = LogDxTruth.parse(JSON.parse(readFileSync(file, "utf8")));
  const lines = normaliseText(gunzipSync(readFileSync(logPath)).toString("utf8"));
  const wanted = new Set<number>();
  for (const s of truth.required_signals) {
    if (s.importance !== "critical") continue;
    for (const [a, b] of s.evidence_lines) for (let n = a; n <= b; n++) wanted.add(n);
  }
  return [...wanted]
    .sort((a, b) => a - b)
    .map((n) => lines[n - 1] ?? "")
    .filter((l) => l !== "");
}

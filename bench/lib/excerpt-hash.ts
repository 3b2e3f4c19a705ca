import { createHash } from "node:crypto";
import { excerptOf } from "../../src/logs/reduce.js";
import type { PreparedCase } from "./cross-validate.js";

// Fingerprints of what the reducer makes of the corpus, printed by bench:logs so that a change meant to be for
// speed only can be checked to be one: equal hashes before and after, equal excerpts on every log.
//  - excerpts: every case's excerpt with the hand-tuned values (what the agent reads);
//  - collected: every case's streaming pass (the retained lines, their kind, score, step and repeats, the step
//    table): the material every tuning of the cross-validation chooses from, so equal hashes here mean equal
//    quality figures too.

export interface CorpusHashes {
  excerpts: string;
  collected: string;
}

export function corpusHashes(prepared: PreparedCase[], maxLines: number): CorpusHashes {
  const excerpts = createHash("sha256");
  const collected = createHash("sha256");
  for (const p of prepared) {
    const { text } = excerptOf(p.collected, maxLines, p.passing);
    excerpts.update(`${p.c.set}/${p.c.id}\n${text}\n\0`);
    const c = p.collected;
    collected.update(`${p.c.set}/${p.c.id} ${c.totalLines} ${c.rawLines}\n`);
    for (const rec of c.retained.values()) {
      collected.update(`${rec.index} ${rec.kind} ${rec.score} ${rec.step} ${rec.repeats} ${rec.out}\n${rec.text}\n`);
    }
    for (const s of c.steps) collected.update(`step ${s.start} ${s.failed} ${s.failedAt} ${s.name}\n`);
  }
  return { excerpts: excerpts.digest("hex"), collected: collected.digest("hex") };
}

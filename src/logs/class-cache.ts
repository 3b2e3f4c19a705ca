import { classify, type Kind } from "./patterns.js";
import { stripAnsi } from "./line-text.js";
import { copy } from "./line-checks.js";
import type { ScannedPiece } from "./piece-gate.js";

// Real logs print the same flagged line again and again (progress, "=== RUN", separators, retries): the class
// of a text is looked up before the rules run (measured on the corpus: 2 in 3 flagged lines repeat one of the
// last few thousand). Cleared when full, so memory stays flat. Lines of the piece the gate scanned are looked up
// by their bytes instead (ScannedPiece in chunk-gate.ts); this cache serves the others.

const CLASS_CACHE = 4096;

export class ClassCache {
  private readonly classes = new Map<string, number>();

  /** `piece`: the gate's, where lines of the piece it scanned last are looked up by their bytes. */
  constructor(private readonly piece: ScannedPiece | null = null) {}

  /** classOf() for the line src[from, end); `inPiece`: it lies in the gate's piece (the string is then made on a miss only). */
  classOfLine(src: string, from: number, end: number, inPiece: boolean): number {
    if (!inPiece || this.piece === null) return this.classOf(src.slice(from, end));
    let packed = this.piece.lookup(from, end - from);
    if (packed < 0) {
      packed = classPacked(src.slice(from, end));
      this.piece.remember(from, end - from, packed);
    }
    return packed;
  }

  /** The class of a flagged line's text as kind * 256 + score (see kindOf, scoreOf). */
  classOf(text: string): number {
    let packed = this.classes.get(text);
    if (packed === undefined) {
      packed = classPacked(text);
      if (this.classes.size >= CLASS_CACHE) this.classes.clear();
      // A flat copy as the key: a slice would keep its 64 KB piece alive.
      this.classes.set(copy(text), packed);
    }
    return packed;
  }
}

/** classify() of a flagged line's text, colour codes aside, packed as ClassCache.classOf returns it. */
export function classPacked(text: string): number {
  const cls = classify(text.indexOf("\x1b") === -1 ? text : stripAnsi(text));
  return cls.kind * 256 + cls.score;
}

export const kindOf = (packed: number): Kind => (packed >> 8) as Kind;
export const scoreOf = (packed: number): number => packed & 255;

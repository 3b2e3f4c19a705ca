import { CANDIDATE_IN_CHUNK, flaggedAtLineStart } from "./patterns.js";

// What the splitter asks of a gate for each piece of log: where its lines end and which of them to flag. The
// WebAssembly gate (chunk-gate.ts) answers in one pass over the piece; RegexGate here is its twin where
// WebAssembly cannot run (node --jitless; a CPU without SIMD), the same lines, slower.

/** The largest piece a gate scans (LineSplitter's PIECE_BYTES); the module's input area holds this much. */
export const GATE_PIECE_BYTES = 64 * 1024;
/** Set in an entry of `ends` when the line that ends there is flagged; the rest of the entry is the position. */
export const LINE_FLAGGED = 0x10000;

export interface PieceGate {
  /**
   * After scan(): positions of word starts, ascending. Not every start needs to be there, but a line holds a
   * word start if and only if it holds one of these.
   */
  readonly hits: Int32Array;
  /**
   * After scan(): every LF and CR of the piece, ascending, `endCount` of them: its position, | LINE_FLAGGED when
   * the line from the previous entry (or the piece's start) to it holds a hit or is flagged by its start.
   */
  readonly ends: Int32Array;
  readonly endCount: number;
  /** The piece in the gate's memory (null: the caller keeps classes by text, see ClassCache, and compares chars). */
  readonly piece: ScannedPiece | null;
  /** Scans `bytes` (`text` is the same piece decoded as latin1) and returns how many entries of `hits` it filled. */
  scan(bytes: Uint8Array, text: string): number;
}

/**
 * The piece the gate scanned last, still in the module's memory (offsets as in that piece): what the collector
 * asks about its lines' bytes there, faster than in JavaScript. The classes of flagged lines are kept by their
 * bytes, so that a line seen before needs no string and no Map lookup (hashing the text was a tenth of the
 * reducer's time).
 */
export interface ScannedPiece {
  /** The class remembered for the bytes [from, from + len) of the piece, or -1. */
  lookup(from: number, len: number): number;
  remember(from: number, len: number, packed: number): void;
  /** Whether the piece's `len` bytes at `a` and at `b` are the same (16 at a time: repeated lines are common). */
  same(a: number, b: number, len: number): boolean;
}

/** Writes the position of every LF and CR of `bytes` to `ends` and returns how many. */
export function findLineEnds(bytes: Uint8Array, ends: Int32Array): number {
  let count = 0;
  for (let p = 0; p < bytes.length; p++) if (bytes[p] === 10 || bytes[p] === 13) ends[count++] = p;
  return count;
}

/** The gate's answer from CANDIDATE_IN_CHUNK: the start of each match, where the regex engine steps on from. */
export class RegexGate implements PieceGate {
  readonly hits = new Int32Array(GATE_PIECE_BYTES);
  readonly ends = new Int32Array(GATE_PIECE_BYTES);
  endCount = 0;
  readonly piece = null;
  private readonly re = new RegExp(CANDIDATE_IN_CHUNK.source, CANDIDATE_IN_CHUNK.flags);

  scan(bytes: Uint8Array, text: string): number {
    let count = 0;
    this.re.lastIndex = 0;
    for (let m = this.re.exec(text); m !== null; m = this.re.exec(text)) this.hits[count++] = m.index;
    this.endCount = findLineEnds(bytes, this.ends);
    // Marks the lines as the module's scan does (chunk-gate.wat).
    let h = 0;
    let start = 0;
    for (let j = 0; j < this.endCount; j++) {
      const end = this.ends[j];
      while (h < count && this.hits[h] < start) h++;
      if ((h < count && this.hits[h] < end) || flaggedAtLineStart(text, start, end)) this.ends[j] |= LINE_FLAGGED;
      start = end + 1;
    }
    return count;
  }
}

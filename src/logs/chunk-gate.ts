import { CHUNK_GATE_WASM } from "./chunk-gate-wasm.js";
import { CANDIDATE_IN_CHUNK, CANDIDATE_WORD_GROUPS } from "./patterns.js";

// Finds where the gate's words start in a piece of log: the reducer's first look at every byte, so its speed is
// the reducer's speed. A regex over the piece (CANDIDATE_IN_CHUNK) gives the same answer about four times
// slower: irregexp steps through an alternation of 40 short words one character at a time. Here a SIMD
// prefilter in WebAssembly (chunk-gate.wat) tests 16 positions at once for the first four letters of each
// group of words, and the few positions it reports are checked against the group's words exactly.

// undefined: not tried yet; null: this runtime cannot run it (no WebAssembly, or no SIMD on this CPU).
let compiled: WebAssembly.Module | null | undefined;

function gateModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      const bytes = Buffer.from(CHUNK_GATE_WASM, "base64");
      compiled = typeof WebAssembly === "object" ? new WebAssembly.Module(bytes) : null;
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

// Where the module leaves the count of line ends (a u32).
const END_COUNT_AT = 144;

/** The largest piece `scan` takes (LineSplitter's PIECE_BYTES); the module's input area holds this much. */
export const GATE_PIECE_BYTES = 64 * 1024;

interface GateExports {
  memory: WebAssembly.Memory;
  input: WebAssembly.Global;
  output: WebAssembly.Global;
  ends: WebAssembly.Global;
  classTable: WebAssembly.Global;
  classArena: WebAssembly.Global;
  scan(len: number): number;
  lookup(from: number, len: number): number;
  remember(from: number, len: number, packed: number, dst: number): void;
  same(a: number, b: number, len: number): number;
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

// As many texts as ClassCache holds, in a table of twice as many slots; their copies in the module's 1 MB arena.
const CLASS_TEXTS = 4096;
const CLASS_SLOTS = 8192;
const CLASS_ARENA_BYTES = 1 << 20;

/** Where the gate's words start in a piece of log (see ChunkGate and RegexGate). */
export interface PieceGate {
  /**
   * After scan(): positions of word starts, ascending. Not every start needs to be there, but a line holds a
   * word start if and only if it holds one of these.
   */
  readonly hits: Int32Array;
  /** After scan(): the position of every LF and CR of the piece, ascending; `endCount` of them. */
  readonly ends: Int32Array;
  readonly endCount: number;
  /** The piece in the gate's memory (null: the caller keeps classes by text, see ClassCache, and compares chars). */
  readonly piece: ScannedPiece | null;
  /** Scans `bytes` (`text` is the same piece decoded as latin1) and returns how many entries of `hits` it filled. */
  scan(bytes: Uint8Array, text: string): number;
}

/** Writes the position of every LF and CR of `bytes` to `ends` and returns how many (the gate's way without WebAssembly). */
export function findLineEnds(bytes: Uint8Array, ends: Int32Array): number {
  let count = 0;
  for (let p = 0; p < bytes.length; p++) if (bytes[p] === 10 || bytes[p] === 13) ends[count++] = p;
  return count;
}

/**
 * The WebAssembly gate, or the regex where the runtime cannot run it (node --jitless has no WebAssembly; a CPU
 * without SIMD fails to compile it): the same lines, slower.
 */
export function createPieceGate(): PieceGate {
  return gateModule() !== null ? new ChunkGate() : new RegexGate();
}

export class ChunkGate implements PieceGate, ScannedPiece {
  /** After scan(): the positions where a word starts, ascending, without repeats. */
  readonly hits = new Int32Array(GATE_PIECE_BYTES);
  readonly ends: Int32Array;
  endCount = 0;
  readonly piece: ScannedPiece = this;
  private classCount = 0;
  private classBytes = 0;
  private readonly wasm: GateExports;
  private readonly mem: Uint8Array;
  private readonly out: Uint32Array;
  private readonly endCountAt: Uint32Array;
  private readonly inputAt: number;

  constructor() {
    // One instance per gate: its memory is the scan's scratch space, so two logs reduced at once must not share it.
    const module = gateModule();
    if (module === null) throw new Error("this runtime cannot run WebAssembly SIMD: use createPieceGate()");
    this.wasm = new WebAssembly.Instance(module).exports as unknown as GateExports;
    this.mem = new Uint8Array(this.wasm.memory.buffer);
    this.inputAt = this.wasm.input.value as number;
    this.out = new Uint32Array(this.wasm.memory.buffer, this.wasm.output.value as number, GATE_PIECE_BYTES + 16);
    this.endCountAt = new Uint32Array(this.wasm.memory.buffer, END_COUNT_AT, 1);
    // A view, not a copy: the module writes the line ends where the splitter reads them.
    this.ends = new Int32Array(this.wasm.memory.buffer, this.wasm.ends.value as number, GATE_PIECE_BYTES + 16);
    writeTables(this.mem);
  }

  lookup(from: number, len: number): number {
    return this.wasm.lookup(from, len);
  }

  same(a: number, b: number, len: number): boolean {
    return this.wasm.same(a, b, len) !== 0;
  }

  remember(from: number, len: number, packed: number): void {
    if (this.classCount >= CLASS_TEXTS || this.classBytes + len > CLASS_ARENA_BYTES) {
      // Cleared when full, as ClassCache is: memory stays flat, and probes in a half-empty table end soon.
      const table = this.wasm.classTable.value as number;
      this.mem.fill(0, table, table + 16 * CLASS_SLOTS);
      this.classCount = 0;
      this.classBytes = 0;
    }
    if (len > CLASS_ARENA_BYTES) return;
    this.wasm.remember(from, len, packed, (this.wasm.classArena.value as number) + this.classBytes);
    this.classCount++;
    this.classBytes += len;
  }

  /** Scans `bytes` (`text` is the same piece decoded as latin1) and returns how many entries of `hits` it filled. */
  scan(bytes: Uint8Array, text: string): number {
    if (bytes.length > GATE_PIECE_BYTES) throw new RangeError(`a gate piece is at most ${GATE_PIECE_BYTES} bytes`);
    this.mem.set(bytes, this.inputAt);
    const reported = this.wasm.scan(bytes.length);
    let ends = this.endCountAt[0];
    while (ends > 0 && this.ends[ends - 1] >= bytes.length) ends--;
    this.endCount = ends;
    const out = this.out;
    const hits = this.hits;
    let count = 0;
    for (let j = 0; j < reported; j++) {
      const entry = out[j];
      const pos = entry >>> 8;
      // The last vector reads past the piece: what lies there is left over from an earlier piece.
      if (pos >= bytes.length) break;
      if (startsWord(text, pos, entry & 0xff)) hits[count++] = pos;
    }
    return count;
  }
}

/** The same answer from CANDIDATE_IN_CHUNK: the start of each match, where the regex engine steps on from. */
export class RegexGate implements PieceGate {
  readonly hits = new Int32Array(GATE_PIECE_BYTES);
  readonly ends = new Int32Array(GATE_PIECE_BYTES);
  endCount = 0;
  readonly piece = null;
  private readonly re = new RegExp(CANDIDATE_IN_CHUNK.source, CANDIDATE_IN_CHUNK.flags);

  scan(bytes: Uint8Array, text: string): number {
    this.endCount = findLineEnds(bytes, this.ends);
    let count = 0;
    this.re.lastIndex = 0;
    for (let m = this.re.exec(text); m !== null; m = this.re.exec(text)) this.hits[count++] = m.index;
    return count;
  }
}

/** Whether one of the words of the groups in `groups` (a bit per group) starts at `pos`. */
function startsWord(text: string, pos: number, groups: number): boolean {
  for (let g = 0; groups !== 0; g++, groups >>>= 1) {
    if ((groups & 1) === 0) continue;
    const words = CANDIDATE_WORD_GROUPS[g];
    for (let w = 0; w < words.length; w++) if (text.startsWith(words[w], pos)) return true;
  }
  return false;
}

/**
 * The eight nibble tables at the start of the module's memory: for the first to fourth letter, a table by low
 * nibble and one by high nibble, each byte a set of groups. A word shorter than four letters fits any byte in
 * the places it does not have.
 */
function writeTables(mem: Uint8Array): void {
  if (CANDIDATE_WORD_GROUPS.length > 8) throw new Error("the chunk gate holds at most 8 groups of words");
  mem.fill(0, 0, 128);
  CANDIDATE_WORD_GROUPS.forEach((words, g) => {
    const bit = 1 << g;
    for (const word of words) {
      for (let k = 0; k < 4; k++) {
        const lo = 32 * k;
        const hi = lo + 16;
        if (k >= word.length) {
          for (let n = 0; n < 16; n++) {
            mem[lo + n] |= bit;
            mem[hi + n] |= bit;
          }
          continue;
        }
        const c = word.charCodeAt(k);
        mem[lo + (c & 15)] |= bit;
        mem[hi + (c >> 4)] |= bit;
      }
    }
  });
}

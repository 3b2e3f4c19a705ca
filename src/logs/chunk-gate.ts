import { CHUNK_GATE_WASM, PIECE_BYTES_WASM } from "./chunk-gate-wasm.js";
import { CANDIDATE_WORD_GROUPS } from "./patterns.js";
import { GATE_PIECE_BYTES, RegexGate, type PieceGate, type ScannedPiece } from "./piece-gate.js";

export { findLineEnds, GATE_PIECE_BYTES, LINE_FLAGGED, RegexGate, type PieceGate, type ScannedPiece } from "./piece-gate.js";

// Finds where the gate's words start in a piece of log: the reducer's first look at every byte, so its speed is
// the reducer's speed. A regex over the piece (CANDIDATE_IN_CHUNK) gives the same answer about four times
// slower: irregexp steps through an alternation of 40 short words one character at a time. Here a SIMD
// prefilter in WebAssembly (chunk-gate.wat) tests 16 positions at once for the first four letters of each
// group of words, and the few positions it reports are checked against the group's words exactly. The same
// module notes the line ends and marks the flagged lines (see PieceGate); a second one (piece-bytes.wat), on the
// same memory, keeps classes by bytes and compares lines (see ScannedPiece).

// undefined: not tried yet; null: this runtime cannot run them (no WebAssembly, or no SIMD on this CPU).
let compiled: { gate: WebAssembly.Module; pieceBytes: WebAssembly.Module } | null | undefined;

function gateModules(): typeof compiled {
  if (compiled === undefined) {
    try {
      compiled =
        typeof WebAssembly === "object"
          ? {
              gate: new WebAssembly.Module(Buffer.from(CHUNK_GATE_WASM, "base64")),
              pieceBytes: new WebAssembly.Module(Buffer.from(PIECE_BYTES_WASM, "base64")),
            }
          : null;
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

// Where the module leaves the count of line ends and of hits (u32s).
const COUNTS_AT = 144;
// Where it finds the words, group by group (see writeWords).
const WORDS_AT = 160;
const WORDS_END = 1024;

interface GateExports {
  memory: WebAssembly.Memory;
  input: WebAssembly.Global;
  output: WebAssembly.Global;
  ends: WebAssembly.Global;
  scan(len: number): number;
}

interface PieceBytesExports {
  classTable: WebAssembly.Global;
  classArena: WebAssembly.Global;
  lookup(from: number, len: number): number;
  remember(from: number, len: number, packed: number, dst: number): void;
  same(a: number, b: number, len: number): number;
}

// As many texts as ClassCache holds, in a table of twice as many slots; their copies in the module's 1 MB arena.
const CLASS_TEXTS = 4096;
const CLASS_SLOTS = 8192;
const CLASS_ARENA_BYTES = 1 << 20;

/**
 * The WebAssembly gate, or the regex where the runtime cannot run it (node --jitless has no WebAssembly; a CPU
 * without SIMD fails to compile it): the same lines, slower.
 */
export function createPieceGate(): PieceGate {
  return gateModules() !== null ? new ChunkGate() : new RegexGate();
}

export class ChunkGate implements PieceGate, ScannedPiece {
  /** After scan(): the positions where a word starts, ascending, without repeats. */
  readonly hits: Int32Array;
  readonly ends: Int32Array;
  endCount = 0;
  readonly piece: ScannedPiece = this;
  private classCount = 0;
  private classBytes = 0;
  private readonly wasm: GateExports;
  private readonly bytesWasm: PieceBytesExports;
  private readonly mem: Uint8Array;
  private readonly counts: Uint32Array;
  private readonly inputAt: number;

  constructor() {
    // One instance per gate: its memory is the scan's scratch space, so two logs reduced at once must not share it.
    const modules = gateModules();
    if (!modules) throw new Error("this runtime cannot run WebAssembly SIMD: use createPieceGate()");
    this.wasm = new WebAssembly.Instance(modules.gate).exports as unknown as GateExports;
    const imports = { gate: { memory: this.wasm.memory, input: this.wasm.input } };
    this.bytesWasm = new WebAssembly.Instance(modules.pieceBytes, imports).exports as unknown as PieceBytesExports;
    this.mem = new Uint8Array(this.wasm.memory.buffer);
    this.inputAt = this.wasm.input.value as number;
    this.counts = new Uint32Array(this.wasm.memory.buffer, COUNTS_AT, 2);
    // Views, not copies: the module writes the hits and line ends where the splitter reads them.
    this.hits = new Int32Array(this.wasm.memory.buffer, this.wasm.output.value as number, GATE_PIECE_BYTES + 16);
    this.ends = new Int32Array(this.wasm.memory.buffer, this.wasm.ends.value as number, GATE_PIECE_BYTES + 16);
    writeTables(this.mem);
    writeWords(this.mem);
  }

  lookup(from: number, len: number): number {
    return this.bytesWasm.lookup(from, len);
  }

  same(a: number, b: number, len: number): boolean {
    return this.bytesWasm.same(a, b, len) !== 0;
  }

  remember(from: number, len: number, packed: number): void {
    if (this.classCount >= CLASS_TEXTS || this.classBytes + len > CLASS_ARENA_BYTES) {
      // Cleared when full, as ClassCache is: memory stays flat, and probes in a half-empty table end soon.
      const table = this.bytesWasm.classTable.value as number;
      this.mem.fill(0, table, table + 16 * CLASS_SLOTS);
      this.classCount = 0;
      this.classBytes = 0;
    }
    if (len > CLASS_ARENA_BYTES) return;
    this.bytesWasm.remember(from, len, packed, (this.bytesWasm.classArena.value as number) + this.classBytes);
    this.classCount++;
    this.classBytes += len;
  }

  /** Scans `bytes` (`text` is the same piece decoded as latin1) and returns how many entries of `hits` it filled. */
  scan(bytes: Uint8Array, _text: string): number {
    if (bytes.length > GATE_PIECE_BYTES) throw new RangeError(`a gate piece is at most ${GATE_PIECE_BYTES} bytes`);
    this.mem.set(bytes, this.inputAt);
    this.endCount = this.wasm.scan(bytes.length);
    return this.counts[1];
  }
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

/** Each group's words for the exact check: a u16 address per group at WORDS_AT, then length byte and bytes. */
function writeWords(mem: Uint8Array): void {
  let at = WORDS_AT + 2 * CANDIDATE_WORD_GROUPS.length;
  CANDIDATE_WORD_GROUPS.forEach((words, g) => {
    mem[WORDS_AT + 2 * g] = at & 255;
    mem[WORDS_AT + 2 * g + 1] = at >> 8;
    for (const word of words) {
      mem[at++] = word.length;
      for (let k = 0; k < word.length; k++) mem[at++] = word.charCodeAt(k);
    }
    mem[at++] = 0;
    if (at > WORDS_END) throw new Error("the chunk gate's words do not fit its memory");
  });
}

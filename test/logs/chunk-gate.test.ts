import { describe, expect, it } from "vitest";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { ChunkGate, GATE_PIECE_BYTES, LINE_FLAGGED, RegexGate, type PieceGate } from "../../src/logs/chunk-gate.js";
import { LineSplitter, stringSink } from "../../src/logs/split-lines.js";
import { CHUNK_GATE_WASM, PIECE_BYTES_WASM } from "../../src/logs/chunk-gate-wasm.js";
import { CANDIDATE_WORD_GROUPS } from "../../src/logs/patterns.js";
// @ts-expect-error: a plain .mjs build script, without type declarations
import { assembleChunkGate, assemblePieceBytes } from "../../scripts/build-chunk-gate.mjs";

const WORDS = CANDIDATE_WORD_GROUPS.flat();

/** Every position where a gate word starts, the slow way. */
function expected(text: string): number[] {
  const out: number[] = [];
  for (let p = 0; p < text.length; p++) if (WORDS.some((w) => text.startsWith(w, p))) out.push(p);
  return out;
}

function scan(gate: ChunkGate, text: string): number[] {
  const n = gate.scan(Buffer.from(text, "latin1"), text);
  return Array.from(gate.hits.subarray(0, n));
}

// A small deterministic generator, so that a failure can be replayed.
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0;
    return s / 2 ** 32;
  };
}

// Text made of near misses: pieces of words, their neighbours in the alphabet, log noise and real words.
function noisyText(rand: () => number, length: number): string {
  const noise = ["er", "ERr", "fai", "xce", "an", "ot fo", "o suc", "***", "**", "\xe2\x9c", "\xc3", "\n", " ", "\r\n"];
  let text = "";
  while (text.length < length) {
    const r = rand();
    if (r < 0.15) text += WORDS[Math.floor(rand() * WORDS.length)];
    else if (r < 0.5) text += noise[Math.floor(rand() * noise.length)];
    else text += String.fromCharCode(Math.floor(rand() * 256));
  }
  return text.slice(0, length);
}

describe("ChunkGate", () => {
  it("runs the modules assembled from chunk-gate.wat and piece-bytes.wat (npm run build:wasm after editing them)", async () => {
    expect(((await assembleChunkGate()) as Buffer).toString("base64")).toBe(CHUNK_GATE_WASM);
    expect(((await assemblePieceBytes()) as Buffer).toString("base64")).toBe(PIECE_BYTES_WASM);
  });

  it("finds every word of every group, at every offset of a 16-byte vector", () => {
    const gate = new ChunkGate();
    for (const word of WORDS) {
      for (let offset = 0; offset < 20; offset++) {
        const text = ".".repeat(offset) + word + "....";
        expect(scan(gate, text), JSON.stringify(word) + " at " + offset).toEqual([offset]);
      }
    }
  });

  it("reports exactly the positions where a word starts, on noisy text of many lengths", () => {
    const gate = new ChunkGate();
    const rand = random(7);
    for (const length of [0, 1, 2, 3, 15, 16, 17, 31, 33, 1000, 4097, GATE_PIECE_BYTES]) {
      for (let round = 0; round < 3; round++) {
        const text = noisyText(rand, length);
        expect(scan(gate, text)).toEqual(expected(text));
      }
    }
  });

  it("does not report a word cut off by the end of the piece, whatever an earlier piece left behind", () => {
    const gate = new ChunkGate();
    scan(gate, "x".repeat(100) + "error error error");
    expect(scan(gate, "x".repeat(100) + "er")).toEqual([]);
    expect(scan(gate, "x".repeat(100) + "err")).toEqual([100]);
  });

  it("notes every LF and CR of the piece, none past its end, and flags the lines the regex gate flags", () => {
    const gate = new ChunkGate();
    const regex = new RegexGate();
    const rand = random(13);
    const endsOf = (g: PieceGate, text: string) => {
      g.scan(Buffer.from(text, "latin1"), text);
      return Array.from(g.ends.subarray(0, g.endCount));
    };
    for (const length of [0, 1, 15, 16, 17, 63, 1000, GATE_PIECE_BYTES]) {
      // Line starts the gate flags by themselves ("E   ", "1) ", "===") among the noise.
      const text = noisyText(rand, length)
        .replace(/\n(?=.)/g, () => "\n" + ["", "", "E  ", " 12) ", "===", "\t-"][Math.floor(rand() * 6)])
        .slice(0, length);
      const ends = endsOf(gate, text);
      expect(ends.map((e) => e & (LINE_FLAGGED - 1))).toEqual(Array.from(text.matchAll(/[\r\n]/g), (m) => m.index));
      expect(ends).toEqual(endsOf(regex, text));
      if (length >= 1000) expect(ends.filter((e) => e >= LINE_FLAGGED).length).toBeGreaterThan(3);
    }
    endsOf(gate, "\n\r".repeat(50)); // left over past the next, shorter piece
    expect(endsOf(gate, "x\r\nE  y\nz")).toEqual([1, 2, 7 | LINE_FLAGGED]);
  });

  it("notes 0 to 16 line ends in one 16-byte vector, at every offset, flagged as the regex gate flags them", () => {
    const gate = new ChunkGate();
    const regex = new RegexGate();
    const endsOf = (g: PieceGate, text: string) => {
      g.scan(Buffer.from(text, "latin1"), text);
      return Array.from(g.ends.subarray(0, g.endCount));
    };
    for (let count = 0; count <= 16; count++) {
      for (let at = 0; at < 16; at++) {
        // `count` line ends spread over the 16 bytes from 16 + `at` (one aligned vector or two): lone CRs,
        // CR LF pairs, blank lines.
        const bytes = Array.from<unknown, string>({ length: 48 }, (_, k) => (k < 16 ? "E" : k % 3 === 0 ? " " : "x"));
        for (let k = 0; k < count; k++) bytes[16 + at + ((k * 7) % 16)] = k % 2 === 0 ? "\r" : "\n";
        const text = bytes.join("");
        const ends = endsOf(gate, text);
        expect(ends.map((e) => e & (LINE_FLAGGED - 1))).toEqual(Array.from(text.matchAll(/[\r\n]/g), (m) => m.index));
        expect(ends).toEqual(endsOf(regex, text));
      }
    }
  });

  it("flags the same lines as the regex gate used where there is no WebAssembly", () => {
    const flaggedBy = (gate: PieceGate, text: string) => {
      const out: number[] = [];
      let n = 0;
      const splitter = new LineSplitter(
        stringSink((_, flagged) => {
          if (flagged) out.push(n);
          n++;
        }),
        gate,
      );
      splitter.push(Buffer.from(text, "latin1"));
      splitter.end();
      return out;
    };
    const rand = random(11);
    const text = noisyText(rand, 5 * GATE_PIECE_BYTES);
    const wasm = flaggedBy(new ChunkGate(), text);
    expect(wasm.length).toBeGreaterThan(100);
    expect(wasm).toEqual(flaggedBy(new RegexGate(), text));
  });

  it("remembers classes by the bytes of a line: the same bytes anywhere in a later piece, never others", () => {
    const gate = new ChunkGate();
    const texts = [0, 1, 3, 15, 16, 17, 31, 32, 33, 100, 5000].map((n) => Array.from({ length: n }, (_, i) => "abcdefgh"[i % 8]).join(""));
    const piece = (text: string, at: number) => {
      const t = ".".repeat(at) + text + "\n";
      gate.scan(Buffer.from(t, "latin1"), t);
    };
    texts.forEach((text, i) => {
      piece(text, i);
      expect(gate.lookup(i, text.length)).toBe(-1);
      gate.remember(i, text.length, 256 + i);
    });
    texts.forEach((text, i) => {
      piece(text, 7 + i); // elsewhere in another piece
      expect(gate.lookup(7 + i, text.length), `length ${text.length}`).toBe(256 + i);
      if (text.length === 0) return;
      // one byte changed (first, middle, last), one byte shorter
      for (const k of [0, text.length >> 1, text.length - 1]) {
        piece(text.slice(0, k) + "X" + text.slice(k + 1), 3);
        expect(gate.lookup(3, text.length)).toBe(-1);
      }
      piece(text, 3);
      if (!texts.includes(text.slice(0, -1))) expect(gate.lookup(3, text.length - 1)).toBe(-1);
    });
  });

  it("clears its classes when full (by count or by bytes), and then answers -1 or the right class, never another", () => {
    const gate = new ChunkGate();
    // 6000 short lines (more than the 4096 it holds), then 1200 of 2000 bytes (more than its 1 MB arena).
    const lines = [
      ...Array.from({ length: 6000 }, (_, i) => `line ${i}`),
      ...Array.from({ length: 1200 }, (_, i) => `long ${i} `.padEnd(2000, "x")),
    ];
    let hitsInFirstRound = 0;
    for (let round = 0; round < 2; round++) {
      for (let first = 0; first < lines.length; first += 30) {
        const group = lines.slice(first, first + 30);
        const text = group.join("\n");
        gate.scan(Buffer.from(text, "latin1"), text);
        for (let j = 0, from = 0; j < group.length; from += group[j].length + 1, j++) {
          const found = gate.lookup(from, group[j].length);
          expect([-1, first + j]).toContain(found);
          if (found < 0) gate.remember(from, group[j].length, first + j);
          else if (round === 0) hitsInFirstRound++; // every line is new in the first round
        }
      }
    }
    expect(hitsInFirstRound).toBe(0);
    // What was entered last is still there.
    const last = lines[lines.length - 1];
    gate.scan(Buffer.from(last, "latin1"), last);
    expect(gate.lookup(0, last.length)).toBe(lines.length - 1);
  });

  it("compares two lines of the piece by their bytes, of any length and wherever they differ", () => {
    const gate = new ChunkGate();
    for (const len of [0, 1, 15, 16, 17, 40, 300]) {
      const line = "y".repeat(len);
      for (let k = -1; k < len; k++) {
        const other = k < 0 ? line : line.slice(0, k) + "Z" + line.slice(k + 1);
        const text = line + "\n" + other + "\n";
        gate.scan(Buffer.from(text, "latin1"), text);
        expect(gate.same(0, len + 1, len), `length ${len}, differing at ${k}`).toBe(k < 0);
      }
    }
  });

  it("refuses a piece larger than its input area", () => {
    const text = "x".repeat(GATE_PIECE_BYTES + 1);
    expect(() => new ChunkGate().scan(Buffer.from(text), text)).toThrow(RangeError);
  });
});

describe("reduce-log without WebAssembly (node --jitless)", () => {
  it("prints the same excerpt as with it (npm test builds the CLI first)", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "jitless-"));
    try {
      const file = path.join(dir, "build.log");
      const lines = Array.from({ length: 3000 }, (_, i) => `step ${i}: compiling module_${i}.c`);
      lines.splice(1700, 0, "module_1700.c:12:5: error: 'x' undeclared", "    x = 1;", "    ^");
      await writeFile(file, lines.join("\n") + "\nmake: *** [all] Error 1\n");
      const cli = path.resolve("bin/codex-dispatch.js");
      const withWasm = await execa(process.execPath, [cli, "reduce-log", file]);
      const without = await execa(process.execPath, ["--jitless", cli, "reduce-log", file]);
      expect(withWasm.stdout).toContain("error: 'x' undeclared");
      expect(without.stdout).toBe(withWasm.stdout);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);
});

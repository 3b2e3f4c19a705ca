import { describe, expect, it } from "vitest";
import { ChunkGate, GATE_PIECE_BYTES } from "../../src/logs/chunk-gate.js";
import { CHUNK_GATE_WASM } from "../../src/logs/chunk-gate-wasm.js";
import { CANDIDATE_WORD_GROUPS } from "../../src/logs/patterns.js";
// @ts-expect-error: a plain .mjs build script, without type declarations
import { assembleChunkGate } from "../../scripts/build-chunk-gate.mjs";

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
  it("runs the module assembled from chunk-gate.wat (npm run build:wasm after editing it)", async () => {
    const bytes = (await assembleChunkGate()) as Buffer;
    expect(bytes.toString("base64")).toBe(CHUNK_GATE_WASM);
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

  it("refuses a piece larger than its input area", () => {
    const text = "x".repeat(GATE_PIECE_BYTES + 1);
    expect(() => new ChunkGate().scan(Buffer.from(text), text)).toThrow(RangeError);
  });
});

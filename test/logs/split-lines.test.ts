import { describe, expect, it } from "vitest";
import { LineSplitter, MAX_LINE_CHARS, PIECE_BYTES, stringSink } from "../../src/logs/split-lines.js";
import { ChunkGate } from "../../src/logs/chunk-gate.js";

function split(chunks: (string | Uint8Array)[], gate: ChunkGate | null = null): string[] {
  const lines: string[] = [];
  const s = new LineSplitter(
    stringSink((l) => lines.push(l)),
    gate,
  );
  for (const c of chunks) s.push(typeof c === "string" ? Buffer.from(c, "latin1") : c);
  s.end();
  return lines;
}

describe("LineSplitter", () => {
  it("ends lines at LF, CRLF and a lone CR, like the metric's normalisation", () => {
    expect(split(["a\nb\r\nc\rd\n"])).toEqual(["a", "b", "c", "d"]);
  });

  it("treats a CR at the end of one chunk and an LF at the start of the next as one line end", () => {
    expect(split(["one\r", "\ntwo\n"])).toEqual(["one", "two"]);
  });

  it("joins a line split across chunks and emits a last line without a line break", () => {
    expect(split(["hel", "lo\nwor", "ld"])).toEqual(["hello", "world"]);
  });

  it("ends lines the same way with the gate's line ends: CRLF split by a piece, lone CR last in a piece", () => {
    const head = "a".repeat(PIECE_BYTES - 1);
    const cases: string[][] = [
      [head + "\r\nnext\n"], // CR last in one piece, LF first in the next
      [head + "\rnext\r"], // a lone CR last in a piece, and last in the log
      [head + "\n\r\r\n\n"], // empty lines of every kind at the seam
      ["x\r", "\r\n", "\ny\r\n"], // chunks of a few bytes
      ["\xEF\xBB\xBFfirst\r\nsecond"], // a BOM stays in the first line: the collector drops it
      ["b".repeat(MAX_LINE_CHARS + 10) + "\r\nshort\n"], // an over-long line within one piece... and beyond it
    ];
    for (const chunks of cases) expect(split(chunks, new ChunkGate()), JSON.stringify(chunks).slice(0, 60)).toEqual(split(chunks));
    expect(split(cases[0], new ChunkGate())).toEqual([head, "next"]);
    expect(split(cases[1], new ChunkGate())).toEqual([head, "next"]);
    expect(split(cases[2], new ChunkGate())).toEqual([head, "", "", ""]);
    expect(split(cases[3], new ChunkGate())).toEqual(["x", "", "", "y"]);
  });

  it("emits nothing for an empty input", () => {
    expect(split([])).toEqual([]);
    expect(split([new Uint8Array(0)])).toEqual([]);
  });

  it("caps a huge line instead of holding it whole", () => {
    const chunk = Buffer.alloc(1 << 20, 0x61);
    const lines: string[] = [];
    const s = new LineSplitter(stringSink((l) => lines.push(l)));
    for (let i = 0; i < 100; i++) s.push(chunk); // a 100 MB line
    s.push(Buffer.from("\nnext\n"));
    s.end();
    expect(lines).toHaveLength(2);
    expect(lines[0].length).toBe(MAX_LINE_CHARS);
    expect(lines[1]).toBe("next");
  });

  it("flags the lines a chunk-level gate matched", () => {
    const flagged: string[] = [];
    const s = new LineSplitter(
      stringSink((l, f) => f && flagged.push(l)),
      new ChunkGate(),
      /error/,
    );
    s.push(Buffer.from("ok\nan error here\nfine\nerror again"));
    s.end();
    expect(flagged).toEqual(["an error here", "error again"]);
  });

  it("asks the line gate about a line that spans two pieces", () => {
    const flagged: string[] = [];
    const s = new LineSplitter(
      stringSink((l, f) => f && flagged.push(l)),
      new ChunkGate(),
      /error/,
    );
    const head = "ok\n".repeat(333);
    const line = "x".repeat(PIECE_BYTES - head.length - 3) + " error at the seam"; // "er" | "ror"
    s.push(Buffer.from(head + line + "\nfine\n"));
    s.end();
    expect(flagged).toEqual([line]);
  });
});

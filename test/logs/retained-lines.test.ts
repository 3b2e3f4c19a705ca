import { describe, expect, it } from "vitest";
import { RetainedLines } from "../../src/logs/retained-lines.js";
import type { LineRecord } from "../../src/logs/line-record.js";
import { Kind } from "../../src/logs/patterns.js";

const rec = (index: number): LineRecord => ({ index, out: `line ${index}`, text: "", kind: Kind.None, score: 0, step: 0, repeats: 0 });

describe("RetainedLines", () => {
  it("keeps records in log order whatever order they arrive in, and finds each one", () => {
    const r = new RetainedLines();
    for (const k of [10, 11, 12, 5, 6, 13, 1, 20, 14]) r.add(rec(k));
    expect(r.inOrder.map((x) => x.index)).toEqual([1, 5, 6, 10, 11, 12, 13, 14, 20]);
    for (const k of [1, 5, 6, 10, 11, 12, 13, 14, 20]) expect(r.get(k)?.index).toBe(k);
    for (const k of [0, 2, 7, 15, 21]) expect(r.get(k)).toBeUndefined();
    expect([...r.toMap().keys()]).toEqual([1, 5, 6, 10, 11, 12, 13, 14, 20]);
  });

  it("drops the marked records and nothing else", () => {
    const r = new RetainedLines();
    for (let k = 0; k < 6; k++) r.add(rec(k));
    r.dropMarked(Uint8Array.from([0, 1, 1, 0, 0, 1]));
    expect(r.inOrder.map((x) => x.index)).toEqual([0, 3, 4]);
    expect(r.size).toBe(3);
    expect(r.get(1)).toBeUndefined();
    expect(new RetainedLines().get(0)).toBeUndefined();
  });
});

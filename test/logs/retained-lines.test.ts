import { describe, expect, it } from "vitest";
import { RetainedLines } from "../../src/logs/retained-lines.js";
import { Kind } from "../../src/logs/patterns.js";

const add = (r: RetainedLines, k: number, out = `line ${k}`, score = 0, kind = Kind.None) => r.add(k, out, kind, score, 0, 0);
const indices = (r: RetainedLines) => [...r.toMap().keys()];

describe("RetainedLines", () => {
  it("keeps lines in log order whatever order they arrive in, and finds each one", () => {
    const r = new RetainedLines();
    for (const k of [10, 11, 12, 5, 6, 13, 1, 20, 14]) add(r, k);
    expect(indices(r)).toEqual([1, 5, 6, 10, 11, 12, 13, 14, 20]);
    for (const k of [1, 5, 6, 10, 11, 12, 13, 14, 20]) expect(r.toMap().get(r.find(k) >= 0 ? k : -1)?.out).toBe(`line ${k}`);
    for (const k of [0, 2, 7, 15, 21]) expect(r.find(k)).toBe(-1);
  });

  it("drops the marked lines and nothing else", () => {
    const r = new RetainedLines();
    for (let k = 0; k < 6; k++) add(r, k);
    r.dropMarked(Uint8Array.from([0, 1, 1, 0, 0, 1]));
    expect(indices(r)).toEqual([0, 3, 4]);
    expect(r.size).toBe(3);
    expect(r.find(1)).toBe(-1);
    expect(new RetainedLines().find(0)).toBe(-1);
  });

  it("keeps every byte of every text through growth, pruning and arena moves (latin1, one char per byte)", () => {
    const r = new RetainedLines();
    const text = (k: number) => `${k}:` + String.fromCharCode(k % 256).repeat(k % 700) + "\xe2\x9c\x96";
    // Enough text to outgrow the first arena (1 MB) several times, with pruning in between.
    for (let k = 0; k < 12_000; k++) {
      add(r, k, text(k), k % 3 === 0 ? 6 : 0);
      if (r.size > 3000) r.prune(1500, k - 10);
    }
    const map = r.toMap();
    expect(map.size).toBeGreaterThan(1500);
    for (const [k, rec] of map) expect(rec.out).toBe(text(k));
  });

  it("counts repeats on the row of a line", () => {
    const r = new RetainedLines();
    add(r, 3);
    add(r, 9);
    r.addRepeats(r.find(3), 4);
    expect(r.toMap().get(3)?.repeats).toBe(4);
    expect(r.toMap().get(9)?.repeats).toBe(0);
  });

  it("drops the lowest-scored clusters first and never the recent ones", () => {
    const r = new RetainedLines();
    for (const k of [0, 1, 2]) add(r, k, "a", 1); // cluster score 1
    for (const k of [10, 11]) add(r, k, "b", 6); // cluster score 6
    for (const k of [20, 21]) add(r, k, "c", 0); // cluster score 0, but recent
    r.prune(4, 20);
    expect(indices(r)).toEqual([10, 11, 20, 21]);
  });

  it("among clusters of one score drops the oldest first; a failed step outranks every score", () => {
    const r = new RetainedLines();
    add(r, 0, "failed step", 0, Kind.StepFailed); // counts as score 100
    for (const k of [5, 6]) add(r, k, "x", 3);
    add(r, 10, "neg", -2); // the lowest score goes first, oldest or not
    for (const k of [15, 16]) add(r, k, "y", 3);
    add(r, 20, "z", 3);
    add(r, 30, "w", 120);
    r.prune(4, 100);
    // dropped: -2 (10), then the score-3 clusters oldest first (5-6, then 15-16), until 4 rows are left
    expect(indices(r)).toEqual([0, 20, 30]);
    const many = new RetainedLines();
    for (let k = 0; k < 3000; k++) add(many, 2 * k, "m", k % 7); // 3000 clusters of one line
    many.prune(1000, 1e9);
    const left = indices(many);
    expect(left).toHaveLength(1000);
    // Scores 6 and 5 survive whole (428 lines each); of score 4, only the newest 144 are left.
    const ofScore = (s: number) => Array.from({ length: 3000 }, (_, i) => 2 * i).filter((k) => (k / 2) % 7 === s);
    expect(left.filter((k) => (k / 2) % 7 >= 5)).toEqual([...ofScore(5), ...ofScore(6)].sort((a, b) => a - b));
    expect(left.filter((k) => (k / 2) % 7 === 4)).toEqual(ofScore(4).slice(-144));
  });
});

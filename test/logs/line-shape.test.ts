// lineShape replaces quotes and paths in linear passes (finding 29: as plain global regexes they read on to the
// line's end from every quote mark or character of a long run). Held here to the regexes they replaced, on random
// lines made of the characters that matter, up to the length a line is shaped by.
import { describe, expect, it } from "vitest";
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { lineShape } from "../../src/logs/line-shape.js";
import { MAX_CLASSIFIED_CHARS } from "../../src/logs/patterns.js";

const latin1 = (s: string) => Buffer.from(s, "utf8").toString("latin1");

// lineShape as it was written before (quadratic on hostile lines, the same on every other).
const QUOTED = new RegExp(latin1(/"[^"]*"|'[^']*'|`[^`]*`|‘.*?’/.source), "g");
const PATHLIKE = /\S*[/\\]\S*|\S+\.\w{1,5}\b(?::\d+)*/g;
const plainShape = (text: string) =>
  text
    .slice(0, MAX_CLASSIFIED_CHARS)
    .replace(QUOTED, "Q")
    .replace(PATHLIKE, "P")
    .replace(/\d+/g, "0")
    .replace(/([_=*#~.-])\1{2,}/g, "$1$1$1")
    .replace(/\s+/g, " ")
    .trim();

const PIECES = [
  '"',
  "'",
  "`",
  latin1("‘"),
  latin1("’"),
  "/",
  "\\",
  ".",
  ":",
  "12",
  "a",
  "Ab",
  "py",
  "x.py:3:4",
  " ",
  "\t",
  "-",
  "_",
  "(",
  ")",
  "é",
];

describe("lineShape", () => {
  it("gives the same shape as the plain regexes on 50,000 random lines", () => {
    const rng = xoroshiro128plus(16);
    let changed = 0;
    for (let i = 0; i < 50_000; i++) {
      let line = "";
      for (let n = uniformInt(rng, 1, 24); n > 0; n--) line += PIECES[uniformInt(rng, 0, PIECES.length - 1)];
      const want = plainShape(line);
      expect(lineShape(line), JSON.stringify(line)).toBe(want);
      if (want.includes("Q") || want.includes("P")) changed++;
    }
    expect(changed).toBeGreaterThan(10_000);
  });

  it("shapes a line by its first MAX_CLASSIFIED_CHARS characters", () => {
    const head = "error: Module 'x' has no attribute 'y' ";
    expect(lineShape(head + "z".repeat(5000))).toBe(lineShape(head + "z".repeat(MAX_CLASSIFIED_CHARS)));
  });
});

import { describe, expect, it } from "vitest";
import { anyOf, matchesAny, topLevelAlternatives } from "../../src/logs/any-of.js";

describe("anyOf", () => {
  it("splits a source at its top-level bars only (not in groups, classes or escapes)", () => {
    expect(topLevelAlternatives(String.raw`^a|b(?:c|d)|[|x]|\||e`)).toEqual(["^a", "b(?:c|d)", "[|x]", String.raw`\|`, "e"]);
    expect(topLevelAlternatives(String.raw`[\]|]x|y`)).toEqual([String.raw`[\]|]x`, "y"]);
  });

  it("puts anchored alternatives in a regex of their own, and answers as the list does", () => {
    const list = [/^FAIL:? |\bFAILED\b.*::/, /^error: /, /\bpanicked at\b/i, /^(?:Failure|Error):\s*$/];
    const res = anyOf(list);
    expect(res.map((r) => r.source.startsWith("(?:^"))).toEqual([true, false, false]);
    const anchored = anyOf(list, "anchored").flatMap((r) => topLevelAlternatives(r.source));
    expect(anchored).toEqual(["(?:^FAIL:? )", "(?:^error: )", String.raw`(?:^(?:Failure|Error):\s*$)`]);
    const lines = ["FAIL: x", "a FAIL: x", "x FAILED y::z", "error: no", " error: no", "thread PANICKED AT", "Error:", "Error: x", ""];
    for (const line of lines) expect(matchesAny(res, line), line).toBe(list.some((r) => r.test(line)));
  });
});

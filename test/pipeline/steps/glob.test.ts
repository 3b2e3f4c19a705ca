import { describe, expect, it } from "vitest";
import { matchesAny } from "../../../src/pipeline/steps/glob.js";

describe("config filters (matchesAny)", () => {
  it.each([
    [[], ["anything"], true],
    [["main"], ["main"], true],
    [["main"], ["main2"], false],
    [["release/*"], ["release/1.0"], true],
    [["release/*"], ["release/1.0/hotfix"], false],
    [["release/**"], ["release/1.0/hotfix"], true],
    [["ci.yml", "CI"], [null, "ci.yml"], true],
    [["*.yml"], [".ci.yml"], true],
    [["feat-?"], ["feat-a"], true],
    [["Main"], ["main"], false],
    [["main"], [null, undefined], false],
  ] as [string[], (string | null | undefined)[], boolean][])("%j against %j → %s", (globs, names, expected) => {
    expect(matchesAny(globs, names)).toBe(expected);
  });
});

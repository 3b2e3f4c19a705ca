import { describe, expect, it } from "vitest";
import { keyLines } from "../../src/pipeline/triage/first-signal.js";
import { demoFailingLog } from "../../demo/scenarios/ci-failure-fixture.js";
import { reduceLogText } from "../../src/logs/reduce.js";

describe("keyLines", () => {
  it("starts at the first error-looking line of the reduced log, not at the generic exit-code line", async () => {
    const reduced = await reduceLogText(demoFailingLog("abcdef1234567"));
    const lines = keyLines(reduced.text);
    expect(lines[0]).toContain("✖ adds two numbers");
    expect(lines).toHaveLength(6);
    expect(lines.join("\n")).toContain("-1 !== 5");
    expect(lines.some((l) => l.startsWith("##[group]"))).toBe(false);
  });

  it("falls back to the exit-code line, then to the last lines, and skips the reducer's markers", () => {
    expect(keyLines("… 20 lines omitted …\nall good\n##[error]Process completed with exit code 2.")).toEqual([
      "##[error]Process completed with exit code 2.",
    ]);
    expect(keyLines("one\ntwo\nthree", 2)).toEqual(["two", "three"]);
  });
});

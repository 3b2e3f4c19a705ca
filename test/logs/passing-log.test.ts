import { describe, expect, it } from "vitest";
import { reduceLogText } from "../../src/logs/reduce.js";

// "Diff against the last green run" (README): lines the passing log of the same job also has are noise both
// runs share. Without the passing log, the failing step's tail is all noise and the failing test is cut; with
// it, the excerpt walks past the shared lines to the ones that differ.
const t = (s: number) => `2026-01-01T00:00:${String(s % 60).padStart(2, "0")}.0000000Z `;
const NOISE = [
  "npm ERR! code ERESOLVE could not resolve peer dependency react@17",
  "Error: connect ECONNREFUSED 127.0.0.1:6379 (redis cache unavailable, retrying)",
  "TypeError: Cannot read properties of undefined (reading 'warmup') in telemetry.js",
  "error TS6133: 'unused' is declared but its value is never read.",
  "FATAL: could not open optional plugin directory /opt/plugins",
];
const LATER_NOISE = NOISE.map((n) => `${n} (again)`);
const log = (lines: string[]) => `${lines.map((l, i) => t(i) + l).join("\n")}\n`;
const failing = log([
  "##[group]Run npm test",
  ...NOISE,
  "  ✕ adds two numbers (3 ms)",
  "AssertionError: expected 5 to equal -1 at sum.test.js:6",
  ...LATER_NOISE,
  "##[endgroup]",
  "##[error]Process completed with exit code 1.",
]);
const passing = log(["##[group]Run npm test", ...NOISE, "  ✓ adds two numbers (2 ms)", ...LATER_NOISE, "##[endgroup]"]);

describe("the passing log of the same job", () => {
  for (const maxLines of [4, 6, 8]) {
    it(`makes the shared noise lose to the failing test (budget ${maxLines})`, async () => {
      const without = await reduceLogText(failing, { maxLines });
      const withPassing = await reduceLogText(failing, { maxLines, passingText: passing });
      expect(without.text).not.toContain("AssertionError");
      expect(withPassing.text).toContain("AssertionError: expected 5 to equal -1");
      expect(withPassing.text).toContain("##[error]Process completed with exit code 1.");
      // On the tightest budget nothing of the shared noise fits beside them; larger budgets may grow into it.
      if (maxLines === 4) for (const noise of LATER_NOISE) expect(withPassing.text).not.toContain(noise);
      expect(withPassing.lines.length).toBeLessThanOrEqual(maxLines);
    });
  }
});

import { describe, expect, it } from "vitest";
import { ciStateOf } from "../../../src/pipeline/fix/race-judge.js";

// What a race candidate's CI says (fix.race_judge: checks): nothing is decided while a run is missing or going.
describe("a candidate's CI state", () => {
  const run = (status: string, conclusion: string | null) => ({ status, conclusion });

  it("is pending with no runs yet, or while any run is not completed", () => {
    expect(ciStateOf([])).toBe("pending");
    expect(ciStateOf([run("completed", "success"), run("in_progress", null)])).toBe("pending");
    expect(ciStateOf([run("queued", null)])).toBe("pending");
  });

  it("passes only when every run passed (success, neutral or skipped); any other conclusion fails it", () => {
    expect(ciStateOf([run("completed", "success"), run("completed", "skipped"), run("completed", "neutral")])).toBe("passed");
    expect(ciStateOf([run("completed", "success"), run("completed", "failure")])).toBe("failed");
    expect(ciStateOf([run("completed", "cancelled")])).toBe("failed");
    expect(ciStateOf([run("completed", "timed_out")])).toBe("failed");
  });
});

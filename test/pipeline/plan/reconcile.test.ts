import { describe, expect, it } from "vitest";
import type { PlanItemRow } from "../../../src/jobs/plans.js";
import { parsePlan } from "../../../src/pipeline/plan/parse-plan.js";
import { applyEnd, describeOutcome, mergeItems, schedule } from "../../../src/pipeline/plan/reconcile.js";

const rows = (body: string) => mergeItems([], parsePlan(body).items, false);
const status = (items: PlanItemRow[]) => items.map((i) => `${i.n}:${i.status}`);

describe("schedule", () => {
  it("starts up to max_parallel ready items in order; an (after N) item waits for N's PR", () => {
    const items = rows("- [ ] a\n- [ ] b\n- [ ] c (after 1)\n- [ ] d");
    const first = schedule(items, 2);
    expect(first.start).toEqual([
      { n: 1, stackOn: null },
      { n: 2, stackOn: null },
    ]);
    expect(status(first.items)).toEqual(["1:queued", "2:queued", "3:pending", "4:pending"]);
    // Scheduling again changes nothing: nothing is queued twice.
    expect(schedule(first.items, 2).start).toEqual([]);
    const done1 = first.items.map((i) => (i.n === 1 ? { ...i, status: "pr" as const, prNumber: 7 } : i));
    expect(schedule(done1, 2).start).toEqual([{ n: 3, stackOn: 1 }]);
  });

  it("an item whose prerequisite failed fails too, saying which; one done by hand does not stack", () => {
    const items = rows("- [x] a\n- [ ] b\n- [ ] c (after 1)\n- [ ] d (after 2)").map((i) =>
      i.n === 2 ? { ...i, status: "failed" as const } : i,
    );
    const next = schedule(items, 3);
    expect(next.start).toEqual([{ n: 3, stackOn: null }]);
    expect(next.items.find((i) => i.n === 4)).toMatchObject({ status: "failed", reason: "it waits for item 2, which failed" });
  });
});

describe("mergeItems", () => {
  it("matches edited items by text, numbers new ones after the highest ever used, drops unstarted removed ones", () => {
    const start = rows("- [ ] a\n- [ ] b\n- [ ] c").map((i) => (i.n === 1 ? { ...i, status: "running" as const, jobKey: "k1" } : i));
    const merged = mergeItems(start, parsePlan("- [ ] A  (after 2)\n- [ ] d").items, false);
    expect(merged.map((i) => [i.n, i.text, i.status])).toEqual([
      [1, "A (after 2)", "running"],
      [2, "b", "dropped"],
      [3, "c", "dropped"],
      [4, "d", "pending"],
    ]);
    // A running item taken out of the list keeps going; a dropped number is never given again.
    const again = mergeItems(merged, parsePlan("- [ ] e").items, false);
    expect(again.map((i) => [i.n, i.status])).toEqual([
      [1, "running"],
      [2, "dropped"],
      [3, "dropped"],
      [4, "dropped"],
      [5, "pending"],
    ]);
  });

  it("a restart runs again what failed or stopped, and keeps PRs", () => {
    const before = rows("- [ ] a\n- [ ] b").map((i) =>
      i.n === 1 ? { ...i, status: "pr" as const, prNumber: 3 } : { ...i, status: "failed" as const, reason: "x", jobKey: "k" },
    );
    const merged = mergeItems(before, parsePlan("- [ ] a\n- [ ] b").items, true);
    expect(merged.map((i) => [i.status, i.jobKey])).toEqual([
      ["pr", null],
      ["pending", null],
    ]);
  });
});

describe("applyEnd and describeOutcome", () => {
  const item = rows("- [ ] a")[0];
  const end = { links: {}, tokens: { input: 10, output: 5 }, costUsd: 0.02, error: null };
  it("a pushed job is a PR; anything else failed with a reason people can read", () => {
    expect(applyEnd(item, { ...end, status: "succeeded", outcome: "pr-opened #12", links: { pr: "http://x/pull/12" } })).toMatchObject({
      status: "pr",
      prNumber: 12,
      prUrl: "http://x/pull/12",
      tokens: { input: 10, output: 5 },
      costUsd: 0.02,
    });
    expect(applyEnd(item, { ...end, status: "succeeded", outcome: "open-pr-limit" })).toMatchObject({ status: "failed" });
    expect(applyEnd(item, { ...end, status: "cancelled", outcome: "cancelled", cancelReason: "stop" })).toMatchObject({
      status: "stopped",
      reason: "stop",
    });
    expect(describeOutcome("open-pr-limit", null)).toContain("fix.max_open_prs");
    expect(describeOutcome("refused: the plan issue is closed", null)).toBe("the plan issue is closed");
    expect(describeOutcome(null, "boom\nstack")).toBe("error: boom");
  });
});

import { describe, expect, it } from "vitest";
import type { PlanItemRow } from "../../../src/jobs/plans.js";
import { PLAN_CHECKLIST_MARKER, renderChecklist, renderSummary } from "../../../src/pipeline/plan/render.js";

const row = (n: number, text: string, patch: Partial<PlanItemRow> = {}): PlanItemRow => ({
  n,
  text,
  norm: text.toLowerCase(),
  after: [],
  status: "pending",
  jobKey: null,
  reason: null,
  prNumber: null,
  prUrl: null,
  tokens: null,
  costUsd: null,
  ...patch,
});

const items = [
  row(1, "Add a test", { status: "pr", prNumber: 5, tokens: { input: 1000, output: 234 }, costUsd: 0.01 }),
  row(2, "Write docs", { status: "running" }),
  row(3, "Stack on one", { after: [2] }),
  row(4, "Port to COBOL", { status: "failed", reason: "the agent did not finish (failed)", tokens: { input: 10, output: 0 }, costUsd: 0 }),
  row(5, "Rename", { status: "done" }),
  row(6, "Old", { status: "dropped" }),
];

describe("renderChecklist", () => {
  it("one row per item with its state, tokens and cost, under the marker", () => {
    const body = renderChecklist({ issueNumber: 9, state: "running", items, maxParallel: 3 });
    expect(body.startsWith(PLAN_CHECKLIST_MARKER)).toBe(true);
    expect(body).toContain("| 1 | Add a test | 🔗 PR #5 | 1,234 | $0.01 |");
    expect(body).toContain("| 2 | Write docs | ⚙️ running |  |  |");
    expect(body).toContain("| 3 | Stack on one | ⏳ waiting for item 2 |");
    expect(body).toContain("| 4 | Port to COBOL | ❌ failed: the agent did not finish \\(failed\\) | 10 | $0.00 |");
    expect(body).toContain("| 5 | Rename | ✅ done by hand |");
    expect(body).toContain("| 6 | Old | ➖ dropped");
    expect(body).toContain("1 running · 1 waiting · 1 with a PR · 1 failed");
    expect(body).toContain("Total: 1,244 tokens · $0.01");
  });

  it("a stopped plan says so; a finished one too", () => {
    expect(renderChecklist({ issueNumber: 9, state: "stopped", items, maxParallel: 3 })).toContain("Plan stopped");
    expect(renderChecklist({ issueNumber: 9, state: "done", items, maxParallel: 3 })).toContain("### Plan finished");
  });
});

describe("renderSummary", () => {
  it("lists each item's PR or failure, the totals, and the mention alone on the last line", () => {
    const body = renderSummary(9, 1, items, "@claude review");
    expect(body).toContain("1 draft pull request, 1 failed");
    expect(body).toContain("- Item 1, Add a test: #5");
    expect(body).toContain("- Item 4, Port to COBOL: failed: the agent did not finish \\(failed\\)");
    expect(body).not.toContain("Item 6");
    expect(body.split("\n").at(-1)).toBe("@claude review");
  });

  it("no mention configured: no mention line", () => {
    expect(renderSummary(9, 1, items, null).split("\n").at(-1)).toMatch(/^Total:/);
  });
});

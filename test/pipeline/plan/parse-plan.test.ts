import { describe, expect, it } from "vitest";
import { afterClause, mayHoldPlan, normaliseItemText, parsePlan } from "../../../src/pipeline/plan/parse-plan.js";
import { GO_MARKER, PLAN_SECTION_END, PLAN_SECTION_START } from "../../../src/pipeline/plan/markers.js";

describe("parsePlan: a person's list", () => {
  it("numbers every task line from 1 in list order, checked ones included but marked", () => {
    const plan = parsePlan("Intro\n\n- [ ] Add a sum test\n- [x] Rename the module\n* [ ] Document sum\n+ [X] done too\n\nOutro");
    expect(plan.section).toBe(false);
    expect(plan.go).toBeNull();
    expect(plan.items).toEqual([
      { n: 1, text: "Add a sum test", checked: false, after: [] },
      { n: 2, text: "Rename the module", checked: true, after: [] },
      { n: 3, text: "Document sum", checked: false, after: [] },
      { n: 4, text: "done too", checked: true, after: [] },
    ]);
    expect(plan.problems).toEqual([]);
  });

  it("ignores task lines in fenced code (backticks and tildes), quotes, HTML comments and indented code", () => {
    const body = [
      "- [ ] real one",
      "```md",
      "- [ ] in a fence",
      "```",
      "~~~~",
      "- [ ] in a tilde fence",
      "```",
      "- [ ] still in it (a shorter other fence does not close it)",
      "~~~~",
      "> - [ ] quoted",
      "<!--",
      "- [ ] hidden in a comment",
      "-->",
      "<!-- - [ ] one-line comment -->",
      "    - [ ] indented code",
      "- [ ] real two",
    ].join("\n");
    expect(parsePlan(body).items.map((i) => i.text)).toEqual(["real one", "real two"]);
  });

  it("reads `(after N)` in its forms and keeps the clause in the text", () => {
    const plan = parsePlan(
      "- [ ] one\n- [ ] two\n- [ ] three (after 1)\n- [ ] four (after 1, 2)\n- [ ] five (After item 1 and #3)\n- [ ] six (after 2 & 4)",
    );
    expect(plan.items.map((i) => i.after)).toEqual([[], [], [1], [1, 2], [1, 3], [2, 4]]);
    expect(plan.items[2].text).toBe("three (after 1)");
    expect(plan.problems).toEqual([]);
  });

  it("an `(after N)` that names itself or a later item is a problem, not a silent deadlock", () => {
    const plan = parsePlan("- [ ] one (after 2)\n- [ ] two (after 2)");
    expect(plan.problems).toHaveLength(2);
    expect(plan.items.map((i) => i.after)).toEqual([[], []]);
  });

  it("drops hidden characters and empty items; CRLF bodies parse the same", () => {
    const plan = parsePlan("- [ ] a\u200Bb <!-- note -->\r\n- [ ] <!-- only a comment -->\r\n- [ ] c");
    expect(plan.items.map((i) => i.text)).toEqual(["ab", "c"]);
  });
});

describe("parsePlan: the planner's section", () => {
  const body = (go: string) =>
    [
      "Goal: make sum right.",
      "- [ ] outside the section: not an item",
      PLAN_SECTION_START,
      "- [ ] First step",
      "- [ ] Second step (after 1)",
      `- [${go}] Run this plan ${GO_MARKER}`,
      PLAN_SECTION_END,
      "- [ ] after the section: not an item",
    ].join("\n");

  it("reads only the section's task lines; the GO line is the approval box, not an item", () => {
    const plan = parsePlan(body(" "));
    expect(plan.section).toBe(true);
    expect(plan.items.map((i) => [i.n, i.text, i.after])).toEqual([
      [1, "First step", []],
      [2, "Second step (after 1)", [1]],
    ]);
    expect(plan.go).toEqual({ checked: false });
    expect(parsePlan(body("x")).go).toEqual({ checked: true });
  });

  it("a GO marker outside the planner's section is no approval box", () => {
    const plan = parsePlan(`- [x] Run this plan ${GO_MARKER}\n- [ ] work`);
    expect(plan.go).toBeNull();
    expect(plan.items.map((i) => i.text)).toEqual(["Run this plan", "work"]);
  });

  it("a section marker inside a fence or quoted is not the section", () => {
    expect(parsePlan(`> ${PLAN_SECTION_START}\n- [ ] a`).section).toBe(false);
  });
});

describe("helpers", () => {
  it("normaliseItemText ignores case, spacing, hidden text and the after clause", () => {
    expect(normaliseItemText("  Add  a TEST (after 1)")).toBe(normaliseItemText("add a test"));
    expect(normaliseItemText("add a test")).not.toBe(normaliseItemText("add two tests"));
  });
  it("afterClause and mayHoldPlan", () => {
    expect(afterClause("x (after 3, 1, 3)")).toEqual([1, 3]);
    expect(afterClause("after 3")).toEqual([]);
    expect(mayHoldPlan("text\n- [ ] a")).toBe(true);
    expect(mayHoldPlan("just text")).toBe(false);
    expect(mayHoldPlan(null)).toBe(false);
  });
});

describe("parsePlan: the planner's escaped lines", () => {
  it("shows the item as the issue renders it; only the planner's own unescaped suffix is an (after N) clause", () => {
    const body = [
      PLAN_SECTION_START,
      "### Plan for: tidy up",
      "- [ ] Add a test \\- covers sum — Keeps \\(after 2\\) as words",
      "- [ ] Document it — \\[x\\] \\<b\\> (after 1)",
      `- [ ] Run this plan ${GO_MARKER}`,
      PLAN_SECTION_END,
    ].join("\n");
    const plan = parsePlan(body);
    expect(plan.items.map((i) => [i.text, i.after])).toEqual([
      ["Add a test - covers sum — Keeps (after 2) as words", []],
      ["Document it — [x] <b> (after 1)", [1]],
    ]);
    expect(plan.problems).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import { GO_MARKER, PLAN_SECTION_END, PLAN_SECTION_START } from "../../../src/pipeline/plan/markers.js";
import { putPlanSection, renderPlanSection } from "../../../src/pipeline/plan/plan-section.js";

const items = [
  { title: "Add a retry helper", rationale: "Both clients need the same backoff", after: [] },
  { title: "Use it in the HTTP client", rationale: "Its timeouts fail CI", after: [1] },
  { title: "Use it in the queue client", rationale: "Same failures, other client", after: [1, 2] },
];

describe("renderPlanSection", () => {
  it("renders the markers, the goal, one numbered-by-order line per item with its rationale and after, and the approval box", () => {
    expect(renderPlanSection("Make clients retry", items)).toBe(
      [
        PLAN_SECTION_START,
        "### Plan for: Make clients retry",
        "- [ ] Add a retry helper — Both clients need the same backoff",
        "- [ ] Use it in the HTTP client — Its timeouts fail CI (after 1)",
        "- [ ] Use it in the queue client — Same failures, other client (after 1, 2)",
        `- [ ] Run this plan ${GO_MARKER}`,
        PLAN_SECTION_END,
      ].join("\n"),
    );
  });

  it("keeps a multi-line goal on its one heading line", () => {
    const section = renderPlanSection("first line\n- [ ] sneaky item\n\n# heading", items.slice(0, 1));
    expect(section.split("\n")[1]).toMatch(/^### Plan for: first line \\- \\\[ \\\] sneaky item \\# heading$/);
    expect(section.split("\n").filter((l) => l.startsWith("- [ ]"))).toHaveLength(2);
  });

  it("an em dash in a title cannot fake the title/rationale separator", () => {
    const section = renderPlanSection("g", [{ title: "A — B", rationale: "r", after: [] }]);
    expect(section).toContain("- [ ] A \\- B — r\n");
  });
});

describe("putPlanSection", () => {
  const section = renderPlanSection("goal", items);

  it("appends after the person's text, which stays an exact prefix", () => {
    for (const body of ["Some text", "Some text\n", "Some text\n\n", "a\r\nb"]) {
      const put = putPlanSection(body, section);
      expect(put.ok && put.body.startsWith(body)).toBe(true);
      expect(put.ok && put.body.slice(body.length).trimStart()).toBe(`${section}\n`);
      expect(put.ok && put.replaced).toBe(false);
    }
    expect(putPlanSection("x", section)).toEqual({ ok: true, body: `x\n\n${section}\n`, replaced: false, ticked: 0 });
  });

  it("an empty body becomes the section alone", () => {
    expect(putPlanSection("", section)).toEqual({ ok: true, body: `${section}\n`, replaced: false, ticked: 0 });
  });

  it("replaces an existing section, keeping the text before and after it byte for byte", () => {
    const before = "Intro ✓\r\n\n";
    const after = "\n\nOutro <b>kept</b>\n";
    const old = `${PLAN_SECTION_START}\n- [x] old item\n- [ ] open item\n- [X] Run this plan ${GO_MARKER}\n${PLAN_SECTION_END}`;
    const put = putPlanSection(`${before}${old}${after}`, section);
    expect(put).toEqual({ ok: true, body: `${before}${section}${after}`, replaced: true, ticked: 2 });
  });

  it("replaces only the first section when a body has two", () => {
    const old = `${PLAN_SECTION_START}\nold\n${PLAN_SECTION_END}`;
    const put = putPlanSection(`${old}\nmiddle\n${old}`, section);
    expect(put.ok && put.body).toBe(`${section}\nmiddle\n${old}`);
  });

  it("refuses a start marker without an end marker rather than guess how much to cut", () => {
    const put = putPlanSection(`text\n${PLAN_SECTION_START}\n- [ ] x\nmore text`, section);
    expect(put.ok).toBe(false);
    expect(!put.ok && put.reason).toContain("without its end marker");
  });

  it("refuses a body GitHub would reject", () => {
    const put = putPlanSection("x".repeat(65_500), section);
    expect(put.ok).toBe(false);
    expect(!put.ok && put.reason).toContain("65536");
  });
});

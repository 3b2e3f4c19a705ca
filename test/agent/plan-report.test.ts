import { describe, expect, it } from "vitest";
import { parsePlanReport, planReportJsonSchema } from "../../src/agent/plan-report.js";

const item = (title: string, after: number[] = []) => ({ title, rationale: `why ${title}`, after });
const answer = (items: unknown[]) => JSON.stringify({ items });

describe("parsePlanReport", () => {
  it("accepts an ordered list whose after refers to earlier items, deduplicating and sorting after", () => {
    const parsed = parsePlanReport(answer([item("a"), item("b", [1]), item("c", [2, 1, 2])]), 20);
    expect(parsed).toEqual({ ok: true, report: { items: [item("a"), item("b", [1]), item("c", [1, 2])] } });
  });

  it("refuses a forward reference", () => {
    const parsed = parsePlanReport(answer([item("a", [2]), item("b")]), 20);
    expect(parsed).toEqual({ ok: false, error: expect.stringContaining("item 1 waits for item 2, which comes later") });
  });

  it("refuses a self reference and a reference past the end", () => {
    expect(parsePlanReport(answer([item("a"), item("b", [2])]), 20)).toMatchObject({
      ok: false,
      error: expect.stringContaining("waits for itself"),
    });
    expect(parsePlanReport(answer([item("a", [9])]), 20)).toMatchObject({ ok: false, error: expect.stringContaining("item 9") });
  });

  it("refuses more items than plan.max_items, and none", () => {
    expect(parsePlanReport(answer([item("a"), item("b"), item("c")]), 2)).toMatchObject({
      ok: false,
      error: expect.stringContaining("more than 2 items (plan.max_items)"),
    });
    expect(parsePlanReport(answer([]), 2)).toMatchObject({ ok: false, error: expect.stringContaining("the plan has no items") });
  });

  it("refuses titles too long, titles of only invisible characters, extra fields, non-JSON and nothing", () => {
    expect(parsePlanReport(answer([item("x".repeat(121))]), 5).ok).toBe(false);
    expect(parsePlanReport(answer([{ ...item("a"), rationale: "r".repeat(301) }]), 5).ok).toBe(false);
    expect(parsePlanReport(answer([item("\u200b \u2060")]), 5)).toMatchObject({
      ok: false,
      error: expect.stringContaining("item 1 has no title"),
    });
    expect(parsePlanReport(answer([{ ...item("a"), run: true }]), 5).ok).toBe(false);
    expect(parsePlanReport("here is the plan", 5)).toEqual({ ok: false, error: "Codex's answer was not JSON." });
    expect(parsePlanReport(undefined, 5).ok).toBe(false);
  });
});

describe("planReportJsonSchema", () => {
  it("is a strict schema with every field required and the item cap in it", () => {
    const schema = planReportJsonSchema(7) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(schema.required).toEqual(["items"]);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.items.maxItems).toBe(7);
    expect(schema.properties.items.minItems).toBe(1);
    expect(schema.properties.items.items.required).toEqual(["title", "rationale", "after"]);
    expect(schema.properties.items.items.additionalProperties).toBe(false);
  });
});

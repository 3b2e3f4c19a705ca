import { z } from "zod";
import { plainLine } from "../text-safety/inline.js";
import { outputSchemaOf, parseAnswer, type AnswerResult } from "./structured-answer.js";

// The structured answer the planner gives for `/codex plan <goal>` (`--output-schema`): an ordered list of small
// items, each meant to become one pull request, with a one-line rationale and the earlier items it needs. The
// list is checked twice: by the schema (lengths, counts), then for what a schema cannot say (`after` points back).

export const PLAN_TITLE_MAX = 120;
export const PLAN_RATIONALE_MAX = 300;

const PlanItemSchema = z.strictObject({
  title: z.string().min(1).max(PLAN_TITLE_MAX).describe("What this item changes, as a short imperative title on one line."),
  rationale: z.string().min(1).max(PLAN_RATIONALE_MAX).describe("Why this item, in one line."),
  after: z
    .array(z.number().int().min(1))
    .max(50)
    .describe("Numbers (1-based, list order) of earlier items whose change this one needs; empty when it needs none."),
});

export type PlanItem = z.infer<typeof PlanItemSchema>;

function planReportSchema(maxItems: number) {
  return z.strictObject({
    items: z
      .array(PlanItemSchema)
      .min(1, "the plan has no items")
      .max(maxItems, `more than ${maxItems} items (plan.max_items)`)
      .describe("The plan's items in the order they should be done."),
  });
}

export type PlanReport = { items: PlanItem[] };

export function planReportJsonSchema(maxItems: number): object {
  return outputSchemaOf(planReportSchema(maxItems));
}

/** The planner's final message as a plan, or why it is not one (the issue body is then left alone). */
export function parsePlanReport(finalMessage: string | undefined, maxItems: number): AnswerResult<PlanReport> {
  const parsed = parseAnswer(planReportSchema(maxItems), finalMessage, "plan");
  if (!parsed.ok) return parsed;
  const problem = checkItems(parsed.report.items);
  if (problem) return { ok: false, error: `The plan was not usable: ${problem}.` };
  // Repeated numbers say nothing more: kept once, in order.
  const items = parsed.report.items.map((item) => ({ ...item, after: [...new Set(item.after)].sort((a, b) => a - b) }));
  return { ok: true, report: { items } };
}

/** What the schema cannot check: every item has visible text, and `after` names only earlier items. */
function checkItems(items: PlanItem[]): string | null {
  for (const [index, item] of items.entries()) {
    const n = index + 1;
    if (!plainLine(item.title)) return `item ${n} has no title`;
    if (!plainLine(item.rationale)) return `item ${n} has no rationale`;
    for (const k of item.after) {
      if (k === n) return `item ${n} waits for itself`;
      if (k > n) return `item ${n} waits for item ${k}, which comes later (an item may only wait for earlier ones)`;
    }
  }
  return null;
}

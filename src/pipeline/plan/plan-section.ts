// The planner's section of an issue body (markers.ts is the contract with the runner that reads it back): pure
// rendering, and putting it into a body without touching a byte of what people wrote around it.
import type { PlanItem } from "../../agent/plan-report.js";
import { COMMENT_BODY_LIMIT } from "../../github/limits.js";
import { sanitizeLine } from "../../text-safety/inline.js";
import { GO_MARKER, PLAN_SECTION_END, PLAN_SECTION_START } from "./markers.js";

export const GOAL_MAX = 200;

/**
 * Agent-written or person-written text as one inert line of the list: no newline to start another item, no
 * markdown, HTML or marker (`<`, `[`, `(` and `-` are escaped, so neither `- [ ]`, `(after 2)` nor the GO marker
 * survives as such), mentions and URLs as code. An em dash would look like our own title/rationale separator.
 */
export function planLine(text: string, max: number): string {
  return sanitizeLine(text.replace(/[—–]/g, "-"), max);
}

function afterSuffix(after: number[]): string {
  return after.length ? ` (after ${after.join(", ")})` : "";
}

/** The section: a heading with the goal, one `- [ ]` line per item, the approval box, between the markers. */
export function renderPlanSection(goal: string, items: PlanItem[]): string {
  return [
    PLAN_SECTION_START,
    `### Plan for: ${planLine(goal, GOAL_MAX)}`,
    ...items.map((item) => `- [ ] ${planLine(item.title, 120)} — ${planLine(item.rationale, 300)}${afterSuffix(item.after)}`),
    `- [ ] Run this plan ${GO_MARKER}`,
    PLAN_SECTION_END,
  ].join("\n");
}

/** `ticked`: the boxes ticked in the section that was replaced (the approval box among them): a plan may be running. */
export type PutResult = { ok: true; body: string; replaced: boolean; ticked: number } | { ok: false; reason: string };

/**
 * The body with the section in it: an existing section (start marker to the first end marker after it) is
 * replaced, otherwise the section is appended after a blank line. Everything else stays byte for byte.
 */
export function putPlanSection(body: string, section: string): PutResult {
  const start = body.indexOf(PLAN_SECTION_START);
  let next: string;
  let replaced = false;
  let ticked = 0;
  if (start >= 0) {
    const end = body.indexOf(PLAN_SECTION_END, start + PLAN_SECTION_START.length);
    // Without its end marker the old section's extent is unknown: guessing could delete what a person wrote.
    if (end < 0)
      return { ok: false, reason: "the issue body has a plan's start marker without its end marker; remove it or add the end marker" };
    next = body.slice(0, start) + section + body.slice(end + PLAN_SECTION_END.length);
    replaced = true;
    ticked = (body.slice(start, end).match(/^\s*[-*+] \[[xX]\]/gm) ?? []).length;
  } else {
    const gap = body === "" || body.endsWith("\n\n") ? "" : body.endsWith("\n") ? "\n" : "\n\n";
    next = `${body}${gap}${section}\n`;
  }
  if (next.length > COMMENT_BODY_LIMIT) {
    return { ok: false, reason: `the issue body with the plan would be ${next.length} characters; GitHub allows ${COMMENT_BODY_LIMIT}` };
  }
  return { ok: true, body: next, replaced, ticked };
}

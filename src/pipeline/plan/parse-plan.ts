// An issue body → the plan's items. Pure: the coordinator (plan-job.ts) and the tests call it on the body as
// GitHub has it now. What a reader of the rendered issue cannot see as a task does not become one: task lines
// inside fenced code, quotes, HTML comments or indented code are ignored, and hidden characters are removed.
import { stripHidden } from "../../text-safety/hidden.js";
import { GO_MARKER, PLAN_SECTION_END, PLAN_SECTION_START } from "./markers.js";

export interface PlanItemSpec {
  /** 1-based, in list order. */
  n: number;
  /** The item's text, hidden characters removed; the `(after …)` clause stays in it. */
  text: string;
  /** `- [x]`: done by hand, never run. */
  checked: boolean;
  /** Items whose PR this one waits for (and is stacked on: the first of them). */
  after: number[];
}

export interface ParsedPlan {
  items: PlanItemSpec[];
  /** The body has the planner's section: only its lines were read. */
  section: boolean;
  /** The approval box (inside the planner's section only); null when there is none. */
  go: { checked: boolean } | null;
  /** Why the list cannot run as written (an `(after N)` that names no earlier item). */
  problems: string[];
}

// Up to three spaces of indent (four is indented code, or a sub-list of an item: not a plan item).
const TASK = /^ {0,3}[-*+][ \t]+\[([ xX])\][ \t]+(.*)$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const QUOTE = /^ {0,3}>/;
const AFTER = /\(\s*after\s+((?:item\s+)?#?\d+(?:\s*(?:,|and|&)\s*(?:item\s+)?#?\d+)*)\s*\)/i;
const MD_ESCAPE = /\\([\\`*_{}[\]()<>#+!|~&:.-])/g;
/** Longest item text kept (a prompt gets it fenced; comments get it shortened further). */
export const MAX_ITEM_TEXT = 2000;

/** The text two versions of one item share: what edits are matched by (case, spacing and `(after …)` ignored). */
export function normaliseItemText(text: string): string {
  return stripHidden(text).replace(AFTER, " ").replace(/\s+/g, " ").trim().toLowerCase();
}

/** The item numbers an `(after 1, 2)` clause names; [] without one. */
export function afterClause(text: string): number[] {
  const m = AFTER.exec(text);
  if (!m) return [];
  return [...new Set((m[1].match(/\d+/g) ?? []).map(Number))].sort((a, b) => a - b);
}

/** The lines a person sees as the list: the planner's section when there is one, else the whole body. */
function planLines(lines: string[]): { lines: string[]; section: boolean } {
  const start = lines.findIndex((l) => l.trim() === PLAN_SECTION_START);
  if (start === -1) return { lines, section: false };
  const end = lines.findIndex((l, i) => i > start && l.trim() === PLAN_SECTION_END);
  return { lines: lines.slice(start + 1, end === -1 ? lines.length : end), section: true };
}

/** The task lines a reader sees rendered as tasks: not in code, quotes or HTML comments. */
function visibleTaskLines(lines: string[]): { raw: string; checked: boolean; rest: string }[] {
  const out: { raw: string; checked: boolean; rest: string }[] = [];
  let fence: { char: string; length: number } | null = null;
  let inComment = false;
  for (const line of lines) {
    if (fence) {
      const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(line);
      if (close && close[1][0] === fence.char && close[1].length >= fence.length) fence = null;
      continue;
    }
    if (inComment) {
      if (line.includes("-->")) inComment = false;
      continue;
    }
    const open = FENCE.exec(line);
    if (open && !(open[1][0] === "`" && open[2].includes("`"))) {
      fence = { char: open[1][0], length: open[1].length };
      continue;
    }
    // A comment opened on this line and not closed on it hides the lines after it.
    const lastOpen = line.lastIndexOf("<!--");
    const opensComment = lastOpen !== -1 && !line.slice(lastOpen).includes("-->");
    const task = QUOTE.test(line) || line.trimStart().startsWith("<!--") ? null : TASK.exec(line);
    if (task) out.push({ raw: line, checked: task[1] !== " ", rest: task[2] });
    if (opensComment) inComment = true;
  }
  return out;
}

/** Reads the plan out of an issue body (see markers.ts for the planner's section and the approval box). */
export function parsePlan(body: string | null): ParsedPlan {
  const all = (body ?? "").replace(/\r\n?/g, "\n").split("\n");
  const { lines, section } = planLines(all);
  const items: PlanItemSpec[] = [];
  let go: ParsedPlan["go"] = null;
  const problems: string[] = [];
  for (const task of visibleTaskLines(lines)) {
    if (section && task.raw.includes(GO_MARKER)) {
      go = { checked: task.checked };
      continue;
    }
    const raw = stripHidden(task.rest).replace(/\s+/g, " ").trim();
    // The text as the rendered issue shows it: markdown's backslash escapes (the planner escapes its items) undone.
    // Hidden text is removed again after: `\<!\-\- … \-\-\>` unescaped is a comment.
    const text = stripHidden(raw.replace(MD_ESCAPE, "$1")).trim().slice(0, MAX_ITEM_TEXT);
    if (text === "") continue;
    const n = items.length + 1;
    // Read from the text as written: an escaped `\(after 2\)` is words, not a clause.
    const after = afterClause(raw);
    const bad = after.filter((k) => k >= n);
    if (bad.length) problems.push(`item ${n} waits for item ${bad.join(", ")}: an item can only wait for an earlier one`);
    items.push({ n, text, checked: task.checked, after: after.filter((k) => k < n) });
  }
  return { items, section, go, problems };
}

/** Whether a body holds anything that could be a plan: the handlers' cheap filter before they queue a job. */
export function mayHoldPlan(body: string | null | undefined): boolean {
  return !!body && (/^ {0,3}[-*+][ \t]+\[[ xX]\]/m.test(body) || body.includes(PLAN_SECTION_START));
}

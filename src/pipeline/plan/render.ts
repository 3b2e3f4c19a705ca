// The plan's two comments, pure: the checklist (one sticky comment, edited as items move) and the summary for the
// reviewer (once, when every item has a PR or failed). Item texts and failure reasons are issue or job text: they go
// through sanitizeLine, so they render as one inert line (no HTML, no hidden comment that could pass for one of our
// markers, no mention, no link, no table cell break).
import type { PlanItemRow, PlanState } from "../../jobs/plans.js";
import { sanitizeLine } from "../../text-safety/inline.js";
import { stripHidden } from "../../text-safety/hidden.js";
import { formatTokens } from "../steps/format.js";
import { formatCost } from "../steps/spend.js";

/** The checklist comment's marker (one per plan issue). */
export const PLAN_CHECKLIST_MARKER = "<!-- codex-dispatch:plan-checklist -->";
/** The summary's marker, per start of the plan: a retried coordinator edits the one it posted. */
export function planSummaryMarker(run: number): string {
  return `<!-- codex-dispatch:plan-summary:run-${run} -->`;
}

export interface ChecklistView {
  issueNumber: number;
  state: PlanState;
  items: PlanItemRow[];
  maxParallel: number;
  /** Who stopped it, for a stopped plan. */
  stoppedBy?: string;
}

function statusCell(item: PlanItemRow, items: Map<number, PlanItemRow>): string {
  switch (item.status) {
    case "done":
      return "✅ done by hand";
    case "pending": {
      const waiting = item.after.filter((k) => !["pr", "done"].includes(items.get(k)?.status ?? ""));
      return waiting.length ? `⏳ waiting for ${waiting.map((k) => `item ${k}`).join(", ")}` : "🕓 queued";
    }
    case "queued":
      return "🕓 queued";
    case "running":
      return "⚙️ running";
    case "pr":
      return `🔗 PR #${item.prNumber}`;
    case "failed":
      return `❌ failed: ${sanitizeLine(item.reason ?? "no reason", 300)}`;
    case "dropped":
      return "➖ dropped: no longer in the list";
    case "stopped":
      return "⏹️ stopped";
  }
}

function spentCells(item: PlanItemRow): string {
  if (!item.tokens) return " | ";
  return `${formatTokens(item.tokens.input + item.tokens.output)} | ${formatCost(item.costUsd)}`;
}

function totals(items: PlanItemRow[]): string {
  const tokens = items.reduce((sum, i) => sum + (i.tokens ? i.tokens.input + i.tokens.output : 0), 0);
  const priced = items.filter((i) => i.tokens);
  const cost = priced.some((i) => i.costUsd === null) ? null : priced.reduce((sum, i) => sum + (i.costUsd ?? 0), 0);
  return `${formatTokens(tokens)} tokens · ${formatCost(cost)}`;
}

function counts(items: PlanItemRow[]): string {
  const by = (s: PlanItemRow["status"][]) => items.filter((i) => s.includes(i.status)).length;
  const parts = [
    [by(["running"]), "running"],
    [by(["pending", "queued"]), "waiting"],
    [by(["pr"]), "with a PR"],
    [by(["failed"]), "failed"],
    [by(["stopped"]), "stopped"],
  ] as const;
  return parts
    .filter(([n]) => n > 0)
    .map(([n, what]) => `${n} ${what}`)
    .join(" · ");
}

/** The checklist comment: one row per item with its state, tokens and cost. */
export function renderChecklist(view: ChecklistView): string {
  const byN = new Map(view.items.map((i) => [i.n, i]));
  const heading =
    view.state === "stopped"
      ? `### ⏹️ Plan stopped${view.stoppedBy ? ` by ${sanitizeLine(view.stoppedBy, 60)}` : ""}: no further items start`
      : view.state === "done"
        ? "### Plan finished"
        : `### Plan running: up to ${view.maxParallel} items at once`;
  const rows = view.items.map((i) => `| ${i.n} | ${sanitizeLine(i.text, 120)} | ${statusCell(i, byN)} | ${spentCells(i)} |`);
  return [
    PLAN_CHECKLIST_MARKER,
    heading,
    "",
    counts(view.items) || "No items.",
    "",
    "| # | Item | Status | Tokens | Cost |",
    "|---|---|---|---|---|",
    ...rows,
    "",
    `Total: ${totals(view.items)}. Each item is its own draft pull request on \`codex/plan/${view.issueNumber}-<n>\`; \`/codex stop\` stops them all.`,
  ].join("\n");
}

/** A mention from the config, as one line of its own: what follows it cannot turn into more of the comment. */
export function mentionLine(mention: string | null): string | null {
  const line = stripHidden(mention ?? "")
    .replace(/\s+/g, " ")
    .trim();
  return line === "" ? null : line;
}

/** The summary for the reviewer: each item's PR or why it failed, the totals, and the configured mention. */
export function renderSummary(issueNumber: number, run: number, items: PlanItemRow[], mention: string | null): string {
  const prs = items.filter((i) => i.status === "pr");
  const lines = items
    .filter((i) => i.status !== "dropped")
    .map((i) => {
      const what =
        i.status === "pr"
          ? `#${i.prNumber}`
          : i.status === "done"
            ? "done by hand"
            : i.status === "failed"
              ? `failed: ${sanitizeLine(i.reason ?? "no reason", 300)}`
              : i.status;
      return `- Item ${i.n}, ${sanitizeLine(i.text, 100)}: ${what}`;
    });
  const failed = items.filter((i) => i.status === "failed").length;
  const line = mentionLine(mention);
  return [
    planSummaryMarker(run),
    `### Plan #${issueNumber} is ready for review: ${prs.length} draft pull request${prs.length === 1 ? "" : "s"}${failed ? `, ${failed} failed` : ""}`,
    "",
    ...lines,
    "",
    `Total: ${totals(items)}. Stacked pull requests target the branch of the item they build on; merge those first.`,
    ...(line ? ["", line] : []),
  ].join("\n");
}

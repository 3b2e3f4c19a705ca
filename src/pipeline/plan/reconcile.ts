// The plan's bookkeeping, pure: what an item job's end means for its item, which items may start now, and how an
// edited list changes the items. plan-job.ts reads the rows and records, calls these, and writes the result back;
// running it twice on the same state changes nothing (an item that is queued is never queued again).
import type { ItemStatus, PlanItemRow } from "../../jobs/plans.js";
import { normaliseItemText, type PlanItemSpec } from "./parse-plan.js";

/** How an item's fix job ended, from its record or from the job itself. */
export interface ItemEnd {
  status: "succeeded" | "failed" | "cancelled";
  outcome: string | null;
  error: string | null;
  links: Record<string, string>;
  tokens: { input: number; output: number } | null;
  costUsd: number | null;
  cancelReason?: string | null;
  /** The item's own last words (its fix's final message), the best reason when it failed. */
  said?: string | null;
}

const TERMINAL: ReadonlySet<ItemStatus> = new Set(["done", "pr", "failed", "dropped", "stopped"]);
export const isFinished = (s: ItemStatus): boolean => TERMINAL.has(s);
const isActive = (s: ItemStatus): boolean => s === "queued" || s === "running";

/** A fix job's outcome (fix.ts, gates.ts, publish.ts) said for people, in the checklist. */
export function describeOutcome(outcome: string | null, error: string | null): string {
  const o = outcome ?? "";
  if (o === "open-pr-limit")
    return "the bot already has as many open pull requests as fix.max_open_prs allows; merge or close some, then start the plan again";
  if (o.startsWith("refused: ")) return o.slice("refused: ".length);
  if (o.startsWith("agent-failed")) return `the agent did not finish (${o.slice("agent-failed: ".length) || "no answer"})`;
  if (o === "verify-failed") return "the verify command failed after the change";
  if (o === "not-reproduced") return "the verify command passed before any change";
  if (o === "branch-moved") return "someone else pushed to the item's branch";
  if (o.startsWith("diff-") || o.startsWith("policy")) return `the change was refused by the diff policy (${o})`;
  if (error) return `error: ${error.split("\n")[0].slice(0, 300)}`;
  return o || "no outcome";
}

/** The item after its job ended. A job that pushed answers `pr-opened #N` or `pushed to #N` (publish.ts). */
export function applyEnd(item: PlanItemRow, end: ItemEnd): PlanItemRow {
  const base = { ...item, tokens: end.tokens ?? item.tokens, costUsd: end.costUsd ?? item.costUsd };
  if (end.status === "cancelled") return { ...base, status: "stopped", reason: end.cancelReason ?? "cancelled" };
  const pr = /^(?:pr-opened|pushed to) #(\d+)/.exec(end.outcome ?? "");
  if (end.status === "succeeded" && pr) {
    const url = end.links.pr && /^https?:\/\//.test(end.links.pr) ? end.links.pr : null;
    return { ...base, status: "pr", prNumber: Number(pr[1]), prUrl: url, reason: null };
  }
  // The fix's own words say most; the outcome's description is the fallback (a job given up says nothing).
  const said = end.said?.replace(/^😕\s*/, "").trim();
  return { ...base, status: "failed", reason: said || describeOutcome(end.outcome, end.error) };
}

export interface Schedule {
  items: PlanItemRow[];
  /** Items to queue now, in order: the caller enqueues their fix jobs and they become `queued`. */
  start: { n: number; stackOn: number | null }[];
}

/**
 * Which pending items start now: those whose `(after …)` items all have a PR (or were done by hand), up to
 * `maxParallel` items queued or running at once. An item whose prerequisite failed, was dropped or stopped
 * fails itself, saying which.
 */
export function schedule(items: PlanItemRow[], maxParallel: number): Schedule {
  const byN = new Map(items.map((i) => [i.n, { ...i }]));
  let active = [...byN.values()].filter((i) => isActive(i.status)).length;
  const start: Schedule["start"] = [];
  for (const item of [...byN.values()].sort((a, b) => a.n - b.n)) {
    if (item.status !== "pending") continue;
    const deps = item.after.map((k) => ({ k, row: byN.get(k) }));
    const broken = deps.find((d) => !d.row || ["failed", "dropped", "stopped"].includes(d.row.status));
    if (broken) {
      item.status = "failed";
      item.reason = `it waits for item ${broken.k}, which ${broken.row ? `${broken.row.status === "failed" ? "failed" : `was ${broken.row.status}`}` : "is not in the plan"}`;
      continue;
    }
    if (!deps.every((d) => d.row!.status === "pr" || d.row!.status === "done")) continue;
    if (active >= maxParallel) continue;
    active++;
    const stackOn = deps.find((d) => d.row!.status === "pr")?.k ?? null;
    start.push({ n: item.n, stackOn });
    item.status = "queued";
  }
  return { items: [...byN.values()], start };
}

/** A new row for an item the list gained. */
function newRow(n: number, spec: PlanItemSpec): PlanItemRow {
  return {
    n,
    text: spec.text,
    norm: normaliseItemText(spec.text),
    after: spec.after,
    status: spec.checked ? "done" : "pending",
    jobKey: null,
    reason: null,
    prNumber: null,
    prUrl: null,
    tokens: null,
    costUsd: null,
  };
}

/**
 * The items after the list was (re)read: an item is matched by its normalised text; a new text gets the next number
 * never used; an item gone from the list is dropped if it had not started (started ones keep going). With `restart`
 * (a new start of a stopped or finished plan), what has no PR runs again. Checked in the list means done by hand.
 */
export function mergeItems(existing: PlanItemRow[], specs: PlanItemSpec[], restart: boolean): PlanItemRow[] {
  const out = new Map(existing.map((i) => [i.n, { ...i }]));
  const byNorm = new Map(existing.map((i) => [i.norm, i.n]));
  let next = Math.max(0, ...existing.map((i) => i.n)) + 1;
  // On the first read, numbers are list positions, so `(after 2)` means the second line; later, plan numbers.
  const seen = new Set<number>();
  for (const spec of specs) {
    const norm = normaliseItemText(spec.text);
    const n = byNorm.get(norm);
    if (n === undefined || seen.has(n)) {
      const row = newRow(existing.length === 0 ? spec.n : next++, spec);
      out.set(row.n, row);
      seen.add(row.n);
      continue;
    }
    seen.add(n);
    const row = out.get(n)!;
    row.text = spec.text;
    if (spec.checked && !isActive(row.status) && row.status !== "pr") row.status = "done";
    else if (!spec.checked && row.status === "done") row.status = "pending";
    if (row.status === "pending") row.after = spec.after;
    if (restart && (row.status === "failed" || row.status === "stopped" || row.status === "dropped")) {
      Object.assign(row, { status: "pending", reason: null, jobKey: null, after: spec.after });
    }
  }
  for (const row of out.values()) if (!seen.has(row.n) && row.status === "pending") Object.assign(row, { status: "dropped", reason: null });
  return [...out.values()].sort((a, b) => a.n - b.n);
}

import type { LineRecord, StepInfo } from "./line-record.js";
import { latin1ToUtf8 } from "./line-text.js";
import { redactSecrets } from "../text-safety/redact.js";

// Markers start and end with "…" and carry a count and a step name, a shape that a real log line does not
// take by accident, so they are never mistaken for log content.

export function renderExcerpt(indices: number[], retained: Map<number, LineRecord>, steps: StepInfo[], total: number): string[] {
  const out: string[] = [];
  let next = 0; // first line index not yet shown or accounted for
  for (let j = 0; j < indices.length; j++) {
    const k = indices[j];
    const rec = retained.get(k) as LineRecord;
    if (k > next) out.push(omitted(next, k - 1, steps));
    out.push(redactSecrets(latin1ToUtf8(rec.out)));
    next = k + 1;
    // One marker per gap (that is what the budget counted): a pure run of repeats gets its own wording.
    if (rec.repeats > 0 && (indices[j + 1] ?? total) === k + 1 + rec.repeats) {
      out.push(`… the line above repeated ${rec.repeats} more time${rec.repeats === 1 ? "" : "s"} …`);
      next += rec.repeats;
    }
  }
  if (next < total) out.push(omitted(next, total - 1, steps));
  return out;
}

function omitted(from: number, to: number, steps: StepInfo[]): string {
  const n = to - from + 1;
  const a = stepAt(from, steps);
  const b = stepAt(to, steps);
  const where = a === b ? (a ? ` (step: ${a})` : "") : ` (steps: ${a || "start"} … ${b})`;
  return `… ${n} line${n === 1 ? "" : "s"} omitted${redactSecrets(latin1ToUtf8(where))} …`;
}

function stepAt(index: number, steps: StepInfo[]): string {
  let lo = 0;
  let hi = steps.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (steps[mid].start <= index) lo = mid;
    else hi = mid - 1;
  }
  return steps[lo]?.name ?? "";
}

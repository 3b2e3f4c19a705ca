import { Kind } from "./patterns.js";
import { lineShape } from "./line-shape.js";
import type { LineRecord, StepInfo } from "./line-record.js";
import type { Collected } from "./collector.js";
import { compareKey, hashKey } from "./normalise-for-compare.js";
import { Picker } from "./picker.js";
import { DEFAULT_TUNING, type Tuning, type Window } from "./tuning.js";

export { DEFAULT_TUNING, type Tuning } from "./tuning.js";

// Chooses which retained lines make the excerpt: the most telling failure lines first, each with the block it
// opens, then the context around them grows until the budget (lines plus omission markers) is spent.

export interface Selection {
  /** Selected line indices, ascending. */
  indices: number[];
  failedStep?: string;
}

export function selectLines(c: Collected, maxLines: number, passing: Set<number> | null, t: Readonly<Tuning> = DEFAULT_TUNING): Selection {
  const { retained, steps, totalLines } = c;
  const failed = steps.filter((s) => s.failed);
  const failedStep = pickFailedStep(failed);
  const windows: Window[] = [];
  const shapes = new Map<string, number>();
  const hits = [...retained.values()].filter((r) => r.kind !== Kind.None).sort((a, b) => a.index - b.index);
  const firstInStep = new Set<number>();
  for (const rec of hits) {
    const w = windowFor(rec, retained, steps, totalLines, passing, t);
    // The first decisive report in a failed step is most often the cause; what follows is often fallout.
    if (steps[rec.step].failed && rec.score >= 6 && rec.kind !== Kind.StepFailed && rec.kind !== Kind.Summary) {
      if (!firstInStep.has(rec.step)) {
        firstInStep.add(rec.step);
        w.priority += t.first;
      }
    }
    // The tenth "error: Module has no attribute …" says little the first did not: later look-alikes fade.
    const shape = lineShape(rec.text);
    const seen = shapes.get(shape) ?? 0;
    shapes.set(shape, seen + 1);
    if (rec.kind !== Kind.StepFailed) w.priority /= Math.pow(1 + seen, t.decay);
    windows.push(w);
  }
  windows.sort((a, b) => b.priority - a.priority || b.hit - a.hit);

  // With a passing log of the same job, lines it also has are noise that both runs share: windows walk past
  // them, so the budget goes to what differs (a failing test's lines, not the warnings every run prints).
  const shared = passing ? (k: number) => passing.has(hashKey(compareKey(retained.get(k)?.text ?? ""))) : () => false;
  const picker = new Picker(retained, totalLines, maxLines, shared, t);
  for (const w of windows.slice(0, t.nWin)) {
    if (picker.full) break;
    picker.addWindow(w);
  }
  picker.fill(true);
  picker.fill(false);
  return { indices: picker.indices, failedStep: failedStep?.name || undefined };
}

const CLEANUP_STEP = /^(?:Post |Post job cleanup|Cleaning up orphan|Stop containers)/;

function pickFailedStep(failed: StepInfo[]): StepInfo | undefined {
  // Post-job cleanup can fail too, but the first failed step is the one that broke the build.
  return failed.find((s) => !CLEANUP_STEP.test(s.name)) ?? failed[0];
}

function windowFor(
  rec: LineRecord,
  retained: Map<number, LineRecord>,
  steps: StepInfo[],
  total: number,
  passing: Set<number> | null,
  t: Readonly<Tuning>,
): Window {
  const i = rec.index;
  const step = steps[rec.step];
  let priority = rec.score;
  let from = i - t.before;
  let to = i + t.after;
  let tail: number | undefined;
  if (rec.kind === Kind.StepFailed) {
    priority = 60;
    // Without a passing log: the last lines of the step. With one: the last lines that differ from it.
    from = passing ? step.start : Math.max(step.start, i - t.stepTail);
    if (passing) tail = t.stepTail;
    to = i;
  } else {
    if (rec.kind === Kind.Summary) {
      priority = t.summary;
      from = i - 1;
      to = i + 1;
    }
    if (step.failed && i <= step.failedAt) priority += t.failStep;
    if (rec.kind === Kind.BlockStart) {
      // The block runs while lines keep being retained and look like its continuation.
      to = i;
      while (to - i < t.blockSpan && retained.has(to + 1)) to++;
    }
    if (passing && passing.has(hashKey(compareKey(rec.text)))) priority *= 0.25;
    // Cleanup steps run after the failure and often dump service logs full of unrelated errors.
    if (CLEANUP_STEP.test(step.name)) priority *= 0.3;
  }
  priority += t.pos * (i / Math.max(1, total));
  return {
    priority,
    hit: i,
    from: Math.max(0, from),
    to,
    forward: rec.kind !== Kind.StepFailed,
    step: rec.step,
    ...(tail ? { tail } : {}),
  };
}

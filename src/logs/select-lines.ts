import { Kind, lineShape } from "./patterns.js";
import type { LineRecord, StepInfo } from "./line-record.js";
import type { Collected } from "./collector.js";
import { compareKey, hashKey } from "./normalise-for-compare.js";

// Chooses which retained lines make the excerpt: the most telling failure lines first, each with the block it
// opens, then the context around them grows until the budget (lines plus omission markers) is spent.

interface Window {
  priority: number;
  /** Fill grows this window forwards too (not for "step failed" lines: what follows is another step). */
  forward: boolean;
  step: number;
  /** Lines a window may show before its hit, counting only lines the passing log lacks (step tails). */
  tail?: number;
  hit: number;
  from: number;
  to: number;
}

export interface Selection {
  /** Selected line indices, ascending. */
  indices: number[];
  failedStep?: string;
}

export function selectLines(c: Collected, maxLines: number, passing: Set<number> | null): Selection {
  const { retained, steps, totalLines } = c;
  const failed = steps.filter((s) => s.failed);
  const failedStep = pickFailedStep(failed);
  const windows: Window[] = [];
  const shapes = new Map<string, number>();
  const hits = [...retained.values()].filter((r) => r.kind !== Kind.None).sort((a, b) => a.index - b.index);
  const firstInStep = new Set<number>();
  for (const rec of hits) {
    const w = windowFor(rec, retained, steps, totalLines, passing);
    // The first decisive report in a failed step is most often the cause; what follows is often fallout.
    if (steps[rec.step].failed && rec.score >= 6 && rec.kind !== Kind.StepFailed && rec.kind !== Kind.Summary) {
      if (!firstInStep.has(rec.step)) {
        firstInStep.add(rec.step);
        w.priority += K_FIRST;
      }
    }
    // The tenth "error: Module has no attribute …" says little the first did not: later look-alikes fade.
    const shape = lineShape(rec.text);
    const seen = shapes.get(shape) ?? 0;
    shapes.set(shape, seen + 1);
    if (rec.kind !== Kind.StepFailed) w.priority /= Math.pow(1 + seen, K_DECAY);
    windows.push(w);
  }
  windows.sort((a, b) => b.priority - a.priority || b.hit - a.hit);

  // With a passing log of the same job, lines it also has are noise that both runs share: windows walk past
  // them, so the budget goes to what differs (a failing test's lines, not the warnings every run prints).
  const shared = passing ? (k: number) => passing.has(hashKey(compareKey(retained.get(k)?.text ?? ""))) : () => false;
  const picker = new Picker(retained, totalLines, maxLines, shared);
  for (const w of windows.slice(0, K_NWIN)) {
    if (picker.full) break;
    picker.addWindow(w);
  }
  picker.fill(true);
  picker.fill(false);
  return { indices: picker.indices, failedStep: failedStep?.name || undefined };
}

// Tuned on the development corpus (see bench/logs.ts); they are about budget shape, not about any project.
const BLOCK_SPAN = 30; // lines a block start claims at once
const K_FAILSTEP = 8; // bonus for hits inside a failed step, before its failure line
const K_POS = 3; // later hits weigh slightly more
const K_BEFORE = 4; // context before a hit
const K_AFTER = 3; // context after a hit
const K_SUMMARY = 25; // closing counts
const K_STEPTAIL = 10; // lines before the "step failed" line
const K_NWIN = 10; // windows placed before growth: the budget goes to few places, so whole blocks fit
const K_FA = 2; // lines grown after ...
const K_FB = 1; // ... for each line grown before
const K_DECAY = 1; // how fast look-alike lines fade
const K_FIRST = 2; // bonus for the first decisive report of a failed step
const K_MINW = 0.1; // growth rate of the least telling window, relative to the best
const K_WPOW = 1;
const K_RATE = 1;

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
): Window {
  const i = rec.index;
  const step = steps[rec.step];
  let priority = rec.score;
  let from = i - K_BEFORE;
  let to = i + K_AFTER;
  let tail: number | undefined;
  if (rec.kind === Kind.StepFailed) {
    priority = 60;
    // Without a passing log: the last lines of the step. With one: the last lines that differ from it.
    from = passing ? step.start : Math.max(step.start, i - K_STEPTAIL);
    if (passing) tail = K_STEPTAIL;
    to = i;
  } else {
    if (rec.kind === Kind.Summary) {
      priority = K_SUMMARY;
      from = i - 1;
      to = i + 1;
    }
    if (step.failed && i <= step.failedAt) priority += K_FAILSTEP;
    if (rec.kind === Kind.BlockStart) {
      // The block runs while lines keep being retained and look like its continuation.
      to = i;
      while (to - i < BLOCK_SPAN && retained.has(to + 1)) to++;
    }
    if (passing && passing.has(hashKey(compareKey(rec.text)))) priority *= 0.25;
    // Cleanup steps run after the failure and often dump service logs full of unrelated errors.
    if (CLEANUP_STEP.test(step.name)) priority *= 0.3;
  }
  priority += K_POS * (i / Math.max(1, total));
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

class Picker {
  readonly indices: number[] = [];
  private cost = 0;
  private order: Window[] = [];

  // Where a collapsed run of repeats ends → the line it repeats, so growth backwards can step over the run.
  private readonly runHead = new Map<number, number>();

  constructor(
    private readonly retained: Map<number, LineRecord>,
    private readonly total: number,
    private readonly max: number,
    /** Whether line k also appears in the passing log. */
    private readonly shared: (k: number) => boolean,
  ) {
    this.cost = total > 0 ? 1 : 0; // the whole log omitted is one marker
    for (const rec of retained.values()) if (rec.repeats > 0) this.runHead.set(rec.index + rec.repeats, rec.index);
  }

  /** The line shown before line k: k - 1, or the head of the run of repeats that ends at k - 1. */
  private before(k: number): number {
    return this.retained.has(k - 1) ? k - 1 : (this.runHead.get(k - 1) ?? -1);
  }

  get full(): boolean {
    return this.cost >= this.max;
  }

  addWindow(w: Window): void {
    if (!this.tryAdd(w.hit)) return;
    this.order.push(w);
    for (let k = w.hit + 1; k <= w.to; k++) {
      if (this.shared(k)) continue;
      if (!this.tryAdd(k)) break;
    }
    let left = w.tail ?? Infinity;
    for (let k = this.before(w.hit); k >= w.from && left > 0; k = this.before(k)) {
      if (this.shared(k)) continue;
      if (!this.tryAdd(k)) break;
      left--;
    }
  }

  /** Grows the chosen runs, the most telling ones faster, two lines after for each line before. */
  fill(sameStep: boolean): void {
    if (this.order.length === 0) {
      // Nothing telling was found: show the end of the log.
      for (let k = this.total - 1; k >= 0 && !this.full; k--) this.tryAdd(k);
      return;
    }
    const top = Math.max(...this.order.map((w) => w.priority), 1e-9);
    const credit = this.order.map(() => 0);
    const stuck = this.order.map(() => false);
    let active = this.order.length;
    while (active > 0 && !this.full) {
      for (let n = 0; n < this.order.length; n++) {
        if (stuck[n]) continue;
        const w = this.order[n];
        credit[n] += Math.max(K_MINW, Math.pow(w.priority / top, K_WPOW)) * K_RATE;
        while (credit[n] >= 1 && !stuck[n]) {
          credit[n] -= 1;
          let any = false;
          // Growth stays inside the anchor's step: the next step's output explains nothing about this one.
          for (let t = 0; w.forward && t < K_FA; t++) {
            const hi = this.runAround(w.hit)[1];
            const next = hi + 1 + this.repeatsOf(hi);
            if (this.canAdd(next) && this.tryAdd(next, sameStep ? w.step : -1)) any = true;
          }
          for (let t = 0; t < K_FB; t++) {
            const prev = this.before(this.runAround(w.hit)[0]);
            if (this.canAdd(prev) && this.tryAdd(prev, sameStep ? w.step : -1)) any = true;
          }
          if (!any) {
            stuck[n] = true;
            active--;
          }
          if (this.full) return;
        }
      }
    }
  }

  private canAdd(k: number): boolean {
    return k >= 0 && k < this.total && this.retained.has(k) && this.find(k) < 0;
  }

  private repeatsOf(k: number): number {
    return this.retained.get(k)?.repeats ?? 0;
  }

  private runAround(k: number): [number, number] {
    let pos = this.find(k);
    if (pos < 0) return [k, k];
    let lo = pos;
    let hi = pos;
    while (lo > 0 && this.adjacent(this.indices[lo - 1], this.indices[lo])) lo--;
    while (hi + 1 < this.indices.length && this.adjacent(this.indices[hi], this.indices[hi + 1])) hi++;
    pos = hi;
    return [this.indices[lo], this.indices[pos]];
  }

  private adjacent(a: number, b: number): boolean {
    return b === a + 1 + this.repeatsOf(a);
  }

  private find(k: number): number {
    let lo = 0;
    let hi = this.indices.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.indices[mid];
      if (v === k) return mid;
      if (v < k) lo = mid + 1;
      else hi = mid - 1;
    }
    return -(lo + 1);
  }

  private gap(a: number, b: number): number {
    // a = -1 and b = total stand for the edges of the log.
    // A collapsed run of repeats after `a` is shown as a marker, so it costs a line like any gap.
    return b !== a + 1 || (a >= 0 && this.repeatsOf(a) > 0) ? 1 : 0;
  }

  private tryAdd(k: number, step = -1): boolean {
    const rec = k >= 0 && k < this.total ? this.retained.get(k) : undefined;
    if (!rec || (step >= 0 && rec.step !== step)) return false;
    const pos = this.find(k);
    if (pos >= 0) return true;
    const at = -pos - 1;
    const a = at > 0 ? this.indices[at - 1] : -1;
    const b = at < this.indices.length ? this.indices[at] : this.total;
    const next = this.cost + 1 - this.gap(a, b) + this.gap(a, k) + this.gap(k, b);
    if (next > this.max) return false;
    this.indices.splice(at, 0, k);
    this.cost = next;
    return true;
  }
}

import { Kind } from "./patterns.js";
import type { LineRecord, StepInfo } from "./line-record.js";
import type { Collected } from "./collector.js";
import { compareKey, hashKey } from "./normalise-for-compare.js";

// Chooses which retained lines make the excerpt: the most telling failure lines first, each with the block it
// opens, then the context around them grows until the budget (lines plus omission markers) is spent.

interface Window {
  priority: number;
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
  for (const rec of retained.values()) {
    if (rec.kind === Kind.None) continue;
    windows.push(windowFor(rec, retained, steps, totalLines, passing));
  }
  windows.sort((a, b) => b.priority - a.priority || b.hit - a.hit);

  const picker = new Picker(retained, totalLines, maxLines);
  for (const w of windows.slice(0, 2000)) {
    if (picker.full) break;
    picker.addWindow(w);
  }
  picker.fill();
  return { indices: picker.indices, failedStep: failedStep?.name || undefined };
}

function pickFailedStep(failed: StepInfo[]): StepInfo | undefined {
  // Post-job cleanup can fail too, but the first failed step is the one that broke the build.
  return failed.find((s) => !/^(?:Post |Post job cleanup|Cleaning up)/.test(s.name)) ?? failed[0];
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
  let from = i - 2;
  let to = i + 3;
  if (rec.kind === Kind.StepFailed) {
    priority = 60;
    from = Math.max(step.start, i - 20);
    to = i;
  } else {
    if (step.failed && i <= step.failedAt) priority += 8;
    if (rec.kind === Kind.BlockStart) {
      // The block runs while lines keep being retained and look like its continuation.
      to = i;
      while (to - i < 30 && retained.has(to + 1)) to++;
    }
    if (passing && passing.has(hashKey(compareKey(rec.text)))) priority *= 0.25;
  }
  priority += 3 * (i / Math.max(1, total));
  return { priority, hit: i, from: Math.max(0, from), to };
}

class Picker {
  readonly indices: number[] = [];
  private cost = 0;
  private order: number[] = [];

  constructor(
    private readonly retained: Map<number, LineRecord>,
    private readonly total: number,
    private readonly max: number,
  ) {
    this.cost = total > 0 ? 1 : 0; // the whole log omitted is one marker
  }

  get full(): boolean {
    return this.cost >= this.max;
  }

  addWindow(w: Window): void {
    if (!this.tryAdd(w.hit)) return;
    this.order.push(w.hit);
    for (let k = w.hit + 1; k <= w.to; k++) if (!this.tryAdd(k)) break;
    for (let k = w.hit - 1; k >= w.from; k--) if (!this.tryAdd(k)) break;
  }

  /** Grows every chosen run, most important first, two lines after for each line before. */
  fill(): void {
    let grew = true;
    while (grew && !this.full) {
      grew = false;
      for (const anchor of this.order) {
        for (let t = 0; t < 2; t++) {
          const hi = this.runAround(anchor)[1];
          if (this.tryAdd(hi + 1 + this.repeatsOf(hi))) grew = true;
        }
        if (this.tryAdd(this.runAround(anchor)[0] - 1)) grew = true;
        if (this.full) return;
      }
      if (this.order.length === 0) {
        // Nothing telling was found: show the end of the log.
        for (let k = this.total - 1; k >= 0 && !this.full; k--) this.tryAdd(k);
        return;
      }
    }
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

  private tryAdd(k: number): boolean {
    if (k < 0 || k >= this.total || !this.retained.has(k)) return false;
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

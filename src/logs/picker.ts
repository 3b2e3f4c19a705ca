import type { LineRecord } from "./line-record.js";
import type { Tuning, Window } from "./tuning.js";

// Places the chosen windows in the excerpt and grows them until the budget (lines plus omission markers) is
// spent. `indices` stays sorted; each gap between chosen lines costs one marker line.

export class Picker {
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
    private readonly t: Readonly<Tuning>,
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
        credit[n] += Math.max(this.t.minRate, w.priority / top);
        while (credit[n] >= 1 && !stuck[n]) {
          credit[n] -= 1;
          let any = false;
          // Growth stays inside the anchor's step: the next step's output explains nothing about this one.
          for (let t = 0; w.forward && t < this.t.growAfter; t++) {
            const hi = this.runAround(w.hit)[1];
            const next = hi + 1 + this.repeatsOf(hi);
            if (this.canAdd(next) && this.tryAdd(next, sameStep ? w.step : -1)) any = true;
          }
          for (let t = 0; t < this.t.growBefore; t++) {
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

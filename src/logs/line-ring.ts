// The collector's ring of recent distinct lines: the context before a hit is fetched back from it. Parallel
// typed arrays, one slot per line (no object per line: most lines are looked at, never kept).

export class LineRing {
  readonly size: number;
  /** Where the line as printed lies: a string holding it, from, end. */
  readonly src: string[];
  readonly from: Int32Array;
  readonly end: Int32Array;
  readonly kind: Int8Array;
  readonly score: Int8Array;
  /** The line's step (an index in the step table). */
  readonly step: Int32Array;
  /** Which line each slot holds (-1: none yet). */
  readonly index: Float64Array;
  /**
   * 1 once the slot's line is retained: the collector asks to keep the same lines again and again, and this is
   * cheaper than looking them up in the retained lines (which drop only lines older than the ring).
   */
  readonly kept: Uint8Array;
  /**
   * Repeats of the slot's line counted before it was retained: a slot of its own rather than a Map by line
   * index, which was looked up for every line kept (measured: 1.3 % of the reducer's time on real logs).
   */
  readonly repeats: Float64Array;

  constructor(size: number) {
    this.size = size;
    this.src = new Array<string>(size).fill("");
    this.from = new Int32Array(size);
    this.end = new Int32Array(size);
    this.kind = new Int8Array(size);
    this.score = new Int8Array(size);
    this.step = new Int32Array(size).fill(-1);
    this.index = new Float64Array(size).fill(-1);
    this.kept = new Uint8Array(size);
    this.repeats = new Float64Array(size);
  }
}

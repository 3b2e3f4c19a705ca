import type { LineRecord } from "./line-record.js";

/**
 * The lines the collector keeps, in log order. Lines arrive nearly in order: appended as the log goes on, now
 * and then inserted a little before the end (the context before a hit, fetched back from the ring). An array
 * kept in order costs far less here than a Map: no hashing per line, and pruning needs no sort.
 */
export class RetainedLines {
  private recs: LineRecord[] = [];

  get size(): number {
    return this.recs.length;
  }

  /** The records in log order (the live array: read it, do not change it). */
  get inOrder(): readonly LineRecord[] {
    return this.recs;
  }

  /** The record of line `k`, if it is kept. The newest is looked at first: it is nearly always the one asked for. */
  get(k: number): LineRecord | undefined {
    const recs = this.recs;
    let hi = recs.length - 1;
    if (hi < 0 || recs[hi].index < k) return undefined;
    if (recs[hi].index === k) return recs[hi];
    let lo = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const at = recs[mid].index;
      if (at === k) return recs[mid];
      if (at < k) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /** Adds the record of a line that is not kept yet. */
  add(rec: LineRecord): void {
    const recs = this.recs;
    let i = recs.length;
    while (i > 0 && recs[i - 1].index > rec.index) i--;
    if (i === recs.length) recs.push(rec);
    else recs.splice(i, 0, rec);
  }

  /** Drops the records whose position in `inOrder` is marked with 1 in `drop`. */
  dropMarked(drop: Uint8Array): void {
    this.recs = this.recs.filter((_, j) => drop[j] === 0);
  }

  /** The records by line index, in log order. */
  toMap(): Map<number, LineRecord> {
    return new Map(this.recs.map((rec) => [rec.index, rec]));
  }
}

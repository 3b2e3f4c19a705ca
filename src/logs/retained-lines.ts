import { Kind } from "./patterns.js";
import type { LineRecord } from "./line-record.js";

/**
 * The lines the collector keeps, in log order. Lines arrive nearly in order: appended as the log goes on, now
 * and then inserted a little before the end (the context before a hit, fetched back from the ring).
 *
 * No object and no string per line: on real logs the collector keeps close to a million lines per 300 MB and
 * prunes all but the telling ones again and again, and as objects they lived just long enough to be copied by
 * every young-generation GC and promoted (measured: GC was a sixth of the reducer's time). Here a line is a row of
 * typed arrays, and its text is latin1 bytes in an arena; records are made once, for the lines left at the end.
 */
export class RetainedLines {
  private count = 0;
  private index = new Float64Array(1024);
  private kind = new Int8Array(1024);
  private score = new Int8Array(1024);
  private step = new Int32Array(1024);
  private repeats = new Float64Array(1024);
  // Where each line's text lies in the arena. Rows are in log order; their texts are in the order they came.
  private at = new Float64Array(1024);
  private len = new Int32Array(1024);
  private arena = Buffer.allocUnsafeSlow(1 << 20) as Arena;
  private used = 0;
  // Texts added but not written yet, joined (a rope: no copy): one latin1Write per PENDING_TEXTS texts instead of
  // one call into C++ per text (measured: about 1.5 % of the reducer's time on real logs). They lie at arena[used,
  // used + pendingLength) once written; written before anything reads or moves the arena.
  private pending = "";
  private pendingLength = 0;
  private pendingCount = 0;

  get size(): number {
    return this.count;
  }

  /** The row of line `k`, or -1. The newest is looked at first: it is nearly always the one asked for. */
  find(k: number): number {
    const index = this.index;
    let hi = this.count - 1;
    if (hi < 0 || index[hi] < k) return -1;
    if (index[hi] === k) return hi;
    let lo = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const at = index[mid];
      if (at === k) return mid;
      if (at < k) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  addRepeats(row: number, n: number): void {
    this.repeats[row] += n;
  }

  /** Adds line `k`, not kept yet; `out` is its text as printed (latin1-scanned, one char per byte). */
  add(k: number, out: string, kind: Kind, score: number, step: number, repeats: number): void {
    if (this.used + this.pendingLength + out.length > this.arena.length) this.compact(out.length);
    if (this.count === this.index.length) this.grow();
    let i = this.count;
    while (i > 0 && this.index[i - 1] > k) i--;
    if (i < this.count) this.shiftUp(i);
    this.count++;
    this.index[i] = k;
    this.kind[i] = kind;
    this.score[i] = score;
    this.step[i] = step;
    this.repeats[i] = repeats;
    this.at[i] = this.used + this.pendingLength;
    this.len[i] = out.length;
    this.pending += out;
    this.pendingLength += out.length;
    if (++this.pendingCount === PENDING_TEXTS) this.writePending();
  }

  private writePending(): void {
    if (this.pendingLength > 0) this.used += this.arena.latin1Write(this.pending, this.used);
    this.pending = "";
    this.pendingLength = 0;
    this.pendingCount = 0;
  }

  /**
   * Drops the least telling clusters of lines (runs of adjacent lines; a collapsed repeat run bridges its gap)
   * until `target` lines are left, lowest score first, oldest first among equals. Clusters that reach line
   * `recent` or later are kept regardless: they are the context being built right now.
   */
  prune(target: number, recent: number): void {
    const n = this.count;
    const clusterFrom = new Int32Array(n);
    const clusterTo = new Int32Array(n);
    const clusterScore = new Int32Array(n);
    let clusters = 0;
    let lastEnd = -2;
    for (let j = 0; j < n; j++) {
      const k = this.index[j];
      const s = this.kind[j] === Kind.StepFailed ? 100 : this.score[j];
      if (clusters > 0 && k <= lastEnd + 1) {
        if (s > clusterScore[clusters - 1]) clusterScore[clusters - 1] = s;
        clusterTo[clusters - 1] = j;
      } else {
        clusterFrom[clusters] = j;
        clusterTo[clusters] = j;
        clusterScore[clusters] = s;
        clusters++;
      }
      lastEnd = k + this.repeats[j];
    }
    // Lowest score first, oldest first among equals: clusters are in log order, so the key score * 2^24 + cluster
    // sorts as that comparison did, by the typed array's numeric sort (a comparator function cost five times more).
    const order = new Float64Array(clusters);
    let candidates = 0;
    for (let c = 0; c < clusters; c++)
      if (this.index[clusterTo[c]] < recent) order[candidates++] = (clusterScore[c] + 128) * CLUSTER_KEY + c;
    const sorted = order.subarray(0, candidates).sort();
    const drop = new Uint8Array(n);
    let size = n;
    for (let o = 0; o < candidates; o++) {
      const c = sorted[o] % CLUSTER_KEY;
      if (size <= target) break;
      drop.fill(1, clusterFrom[c], clusterTo[c] + 1);
      size -= clusterTo[c] - clusterFrom[c] + 1;
    }
    this.dropMarked(drop);
  }

  /** Drops the rows marked with 1 in `drop`. */
  dropMarked(drop: Uint8Array): void {
    let w = 0;
    for (let j = 0; j < this.count; j++) {
      if (drop[j] === 1) continue;
      this.index[w] = this.index[j];
      this.kind[w] = this.kind[j];
      this.score[w] = this.score[j];
      this.step[w] = this.step[j];
      this.repeats[w] = this.repeats[j];
      this.at[w] = this.at[j];
      this.len[w] = this.len[j];
      w++;
    }
    this.count = w;
  }

  /** The records by line index, in log order; `textOf` makes a record's `text` from its `out`. */
  toMap(textOf: (out: string) => string = (out) => out): Map<number, LineRecord> {
    this.writePending();
    const map = new Map<number, LineRecord>();
    for (let j = 0; j < this.count; j++) {
      const out = this.arena.toString("latin1", this.at[j], this.at[j] + this.len[j]);
      const k = this.index[j];
      map.set(k, {
        index: k,
        out,
        text: textOf(out),
        kind: this.kind[j] as Kind,
        score: this.score[j],
        step: this.step[j],
        repeats: this.repeats[j],
      });
    }
    return map;
  }

  private shiftUp(i: number): void {
    const c = this.count;
    this.index.copyWithin(i + 1, i, c);
    this.kind.copyWithin(i + 1, i, c);
    this.score.copyWithin(i + 1, i, c);
    this.step.copyWithin(i + 1, i, c);
    this.repeats.copyWithin(i + 1, i, c);
    this.at.copyWithin(i + 1, i, c);
    this.len.copyWithin(i + 1, i, c);
  }

  private grow(): void {
    const size = this.index.length * 2;
    const more = <T extends Float64Array | Int32Array | Int8Array>(a: T, make: new (n: number) => T): T => {
      const b = new make(size);
      b.set(a);
      return b;
    };
    this.index = more(this.index, Float64Array);
    this.kind = more(this.kind, Int8Array);
    this.score = more(this.score, Int8Array);
    this.step = more(this.step, Int32Array);
    this.repeats = more(this.repeats, Float64Array);
    this.at = more(this.at, Float64Array);
    this.len = more(this.len, Int32Array);
  }

  /**
   * Makes room for `need` more bytes: moves the texts of the rows still there together, in place while they
   * take under half the arena. A fresh arena each time left the dead ones waiting for a full GC (external
   * memory): tens of megabytes of RSS on a long log.
   */
  private compact(need: number): void {
    this.writePending();
    let live = 0;
    for (let j = 0; j < this.count; j++) live += this.len[j];
    const arena = 2 * (live + need) > this.arena.length ? (Buffer.allocUnsafeSlow(4 * (live + need)) as Arena) : this.arena;
    // In arena order, each text moves to a lower offset (or its own), so moving in place overwrites no text
    // still to be moved. Texts of neighbouring rows mostly lie side by side (a pruned cluster is a run): one
    // move per run.
    // In arena order (rows of one offset, empty texts, in row order), by one numeric key each: a comparator
    // function over 20,000 rows cost as much as the moves.
    const rows = new Float64Array(this.count);
    for (let j = 0; j < this.count; j++) rows[j] = arena === this.arena ? this.at[j] * ROW_KEY + j : j;
    if (arena === this.arena) {
      rows.sort();
      for (let r = 0; r < rows.length; r++) rows[r] %= ROW_KEY;
    }
    let w = 0;
    for (let r = 0; r < rows.length;) {
      const from = this.at[rows[r]];
      let to = from;
      const start = w;
      while (r < rows.length && this.at[rows[r]] === to) {
        const j = rows[r++];
        this.at[j] = start + (to - from);
        to += this.len[j];
      }
      if (arena === this.arena) arena.copyWithin(start, from, to);
      else arena.set(this.arena.subarray(from, to), start);
      w += to - from;
    }
    this.arena = arena;
    this.used = w;
  }
}

// Above any count of rows (at most Collector's MAX_RETAINED plus the tail it keeps at the end, itself at most
// the largest excerpt): arena offsets times this stay exact in a double.
const ROW_KEY = 1 << 20;

// Above any count of clusters (rows are capped far below it; see Collector's MAX_RETAINED).
const CLUSTER_KEY = 1 << 24;

// Enough to make the calls rare; few enough that the pieces the pending texts are slices of are let go soon.
const PENDING_TEXTS = 64;

// Node's own latin1 writer: Buffer#write(s, offset, "latin1") reaches it through an argument-parsing wrapper that
// cost more than the copy (measured: 87 ms of 134 ms for 890 k lines).
type Arena = Buffer & { latin1Write(s: string, offset: number): number };

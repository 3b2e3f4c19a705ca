import { Kind } from "./patterns.js";
import { isContinuation } from "./line-forms.js";
import { ClassCache, kindOf, scoreOf } from "./class-cache.js";
import type { ScannedPiece } from "./piece-gate.js";
import type { Collected } from "./line-record.js";
import { splitGhCliPrefix, stripAnsi } from "./line-text.js";
import { RetainedLines } from "./retained-lines.js";
import { LineRing } from "./line-ring.js";
import { StepTable } from "./step-table.js";
import { saysNothing, timestampLength } from "./line-checks.js";

export type { Collected } from "./line-record.js";

// Streaming pass over the log. Memory stays flat: it holds a ring of recent raw lines (context before a hit),
// the lines around hits (capped; the least telling clusters are dropped first), the step table (capped) and
// the tail of the log. Everything else is counted and forgotten. Most lines take the fast path: no regex,
// no allocation beyond the ring slot; only lines the chunk-level gate flagged are classified.

const RING = 256;
const BEFORE_HIT = 12;
const AFTER_HIT = 12;
const AFTER_BLOCK = 40;
const BLOCK_MAX = 250;
const FAILED_STEP_TAIL = 120;
const LOG_TAIL = 160;
const MAX_RETAINED = 20_000;
const BOM = "\xEF\xBB\xBF";

export class Collector {
  private index = 0;
  private blankLines = 0;
  // Distinct lines seen (collapsed repeats do not count): ring slots and retention windows use it, so a run of
  // a million identical lines takes one slot and cannot push the context out of the ring.
  private seq = 0;
  private readonly ringSize: number;
  private readonly tail: number;
  private readonly ring: LineRing;
  private readonly retained = new RetainedLines();
  private readonly steps = new StepTable();
  private retainUntil = -1;
  private blockUntil = -1;
  private prevSrc = "";
  // The bytes of prevSrc's piece while it is the current one (see sameAsPrevious).
  private prevBytes: Uint8Array | null = null;
  private prevFrom = 0;
  private prevLen = -1;
  private prevIndex = -1;
  private ghCli: boolean | null = null;
  private readonly classes: ClassCache;
  private readonly piece: ScannedPiece | null;

  /** `piece`: the gate of the splitter that feeds this collector, which keeps classes by bytes and compares lines. */
  constructor(maxLines: number, piece: ScannedPiece | null = null) {
    this.piece = piece;
    this.classes = new ClassCache(piece);
    // A small log must come out whole, so the tail kept is never shorter than the excerpt.
    this.tail = Math.max(LOG_TAIL, maxLines);
    this.ringSize = Math.max(RING, this.tail + 16);
    this.ring = new LineRing(this.ringSize);
  }

  /**
   * Takes the line text[start, end). Most lines take the fast path, which allocates nothing: the ring keeps the
   * string the line lies in plus offsets; the leading timestamp is an offset too; a string of the line is made
   * only when it is classified, names a step, continues a block or is kept (see keep()).
   */
  line(src: string, start: number, end: number, flagged = true, bytes: Uint8Array | null = null): void {
    const i = this.index;
    if (i === 0 && end - start >= 3 && src.startsWith(BOM, start)) start += 3;
    let off = 0;
    let text: string | null = null;
    let stepFromPrefix: string | null = null;
    if (this.ghCli === null && end > start) this.ghCli = splitGhCliPrefix(src.slice(start, end)) !== null;
    if (this.ghCli) {
      // `gh run view --log` lines keep their "job<TAB>step<TAB>time" prefix: only a *leading* timestamp goes.
      // These logs are rare: they take the plain path of one string per line.
      const raw = src.slice(start, end);
      src = raw;
      bytes = null;
      start = 0;
      end = raw.length;
      const gh = splitGhCliPrefix(raw);
      if (gh) {
        stepFromPrefix = gh.step;
        text = gh.message;
      }
    } else if (end - start >= 11) {
      // Most lines are settled by their first character: checked here, where V8 inlines it (measured: 50 ms per
      // 300 MB of real logs when timestampLength was called for every line).
      const c = src.charCodeAt(start);
      if (c >= 48 && c <= 57) off = timestampLength(src, start, end);
    }
    const from = start + off;
    const len = end - from;
    // Blank lines and Travis' fold and timer markers say nothing and would take a place in the excerpt: they
    // are counted, not kept. Most lines are settled by their first character.
    const first = len > 0 ? src.charCodeAt(from) : -1;
    const maybeNothing = first < 0 || first === 32 || first === 9 || first === 27 || first === 116;
    if (text !== null ? saysNothing(text, 0, text.length) : maybeNothing && saysNothing(src, from, end)) {
      this.blankLines++;
      return;
    }
    // Identical consecutive lines are collapsed into the first one (blank lines never get here).
    if (len === this.prevLen && this.prevIndex >= 0 && this.sameAsPrevious(src, from, end, bytes)) {
      const row = this.retained.find(this.prevIndex);
      if (row >= 0) this.retained.addRepeats(row, 1);
      else this.pendingRepeats++;
      this.index++;
      return;
    }
    this.flushRepeats();
    this.index++;
    const q = this.seq++;
    this.prevSrc = src;
    this.prevBytes = bytes;
    this.prevFrom = from;
    this.prevLen = len;
    this.prevIndex = i;
    if (text !== null || stepFromPrefix !== null) {
      const c0 = text === null ? -1 : text.charCodeAt(0);
      if (stepFromPrefix !== null || StepTable.mayName(c0)) this.steps.track(i, text ?? src.slice(from, end), stepFromPrefix);
    } else if (StepTable.mayName(first)) {
      this.steps.trackAt(i, src, from, end);
    }

    let kind: Kind = Kind.None;
    let score = 0;
    if (flagged) {
      const packed = text === null ? this.classes.classOfLine(src, from, end, bytes !== null) : this.classes.classOf(text);
      kind = kindOf(packed);
      score = scoreOf(packed);
    }
    const slot = q % this.ringSize;
    this.ring.src[slot] = src;
    this.ring.from[slot] = from;
    this.ring.end[slot] = end;
    this.ring.kind[slot] = kind;
    this.ring.score[slot] = score;
    this.ring.step[slot] = this.steps.steps.length - 1;
    this.ring.index[slot] = i;
    this.ring.kept[slot] = 0;
    this.ring.repeats[slot] = 0;

    if (kind === Kind.StepFailed) {
      const step = this.steps.current;
      step.failed = true;
      if (step.failedAt < 0) step.failedAt = i;
      this.retainBack(q, FAILED_STEP_TAIL, step.start);
      this.retainUntil = Math.max(this.retainUntil, q + 4);
    } else if (kind === Kind.BlockStart) {
      this.retainBack(q, BEFORE_HIT, -1);
      this.blockUntil = q + BLOCK_MAX;
      this.retainUntil = Math.max(this.retainUntil, q + AFTER_BLOCK);
    } else if (kind !== Kind.None) {
      // Weak words (warnings, "unknown") are context at best: they keep only their close neighbours.
      const weak = score <= 1;
      this.retainBack(q, weak ? 2 : BEFORE_HIT, -1);
      this.retainUntil = Math.max(this.retainUntil, q + (weak ? 2 : AFTER_HIT));
    } else if (q <= this.blockUntil) {
      // Stack traces and indented reports are kept whole (up to BLOCK_MAX lines).
      text ??= src.slice(from, end);
      if (isContinuation(text)) this.retainUntil = Math.max(this.retainUntil, q + 3);
      else if (q > this.retainUntil) this.blockUntil = -1;
    }
    if (q <= this.retainUntil) this.keep(q);
  }

  finish(): Collected {
    this.flushRepeats();
    // The end of the log is where CI systems report the outcome.
    for (let q = Math.max(0, this.seq - this.tail); q < this.seq; q++) this.keep(q);
    return {
      retained: this.retained.toMap(this.ghCli ? (out) => splitGhCliPrefix(out)?.message ?? out : undefined),
      steps: this.steps.steps,
      totalLines: this.index,
      rawLines: this.index + this.blankLines,
    };
  }

  private pendingRepeats = 0;

  /**
   * Compares without allocating; within one piece by bytes, 16 at a time in the gate's module (85 ms per 300 MB
   * of real logs less than the loop here), else from the end (look-alike lines mostly differ late).
   */
  private sameAsPrevious(src: string, from: number, end: number, bytes: Uint8Array | null): boolean {
    const shift = this.prevFrom - from;
    if (bytes !== null && bytes === this.prevBytes) {
      if (this.piece !== null) return this.piece.same(from, this.prevFrom, end - from);
      for (let k = end - 1; k >= from; k--) if (bytes[k] !== bytes[k + shift]) return false;
      return true;
    }
    const prev = this.prevSrc;
    for (let k = end - 1; k >= from; k--) if (src.charCodeAt(k) !== prev.charCodeAt(k + shift)) return false;
    return true;
  }

  /** Repeats of a line that was not retained yet are remembered until we know whether it will be. */
  private flushRepeats(): void {
    if (this.pendingRepeats === 0) return;
    const row = this.retained.find(this.prevIndex);
    if (row >= 0) this.retained.addRepeats(row, this.pendingRepeats);
    // The previous distinct line is the newest in the ring (repeats and blank lines do not move it on).
    else this.ring.repeats[(this.seq - 1) % this.ringSize] = this.pendingRepeats;
    this.pendingRepeats = 0;
  }

  /** Keeps up to `count` distinct lines before line `q`, none before line index `notBefore`. */
  private retainBack(q: number, count: number, notBefore: number): void {
    for (let p = Math.max(0, q - count, this.seq - this.ringSize); p < q; p++) {
      if (this.ring.index[p % this.ringSize] >= notBefore) this.keep(p);
    }
  }

  /** Retains the distinct line number `q` (still in the ring). */
  private keep(q: number): void {
    if (q < this.seq - this.ringSize || q < 0) return;
    const slot = q % this.ringSize;
    const k = this.ring.index[slot];
    if (k < 0 || this.ring.kept[slot] === 1) return;
    this.ring.kept[slot] = 1;
    const out = this.ring.src[slot].slice(this.ring.from[slot], this.ring.end[slot]);
    const repeats = this.ring.repeats[slot];
    const kind = this.ring.kind[slot] as Kind;
    this.retained.add(k, out.indexOf("\x1b") === -1 ? out : stripAnsi(out), kind, this.ring.score[slot], this.ring.step[slot], repeats);
    if (this.retained.size > MAX_RETAINED) this.prune();
  }

  /** Drops the least telling clusters of retained lines until half the cap is left (see RetainedLines.prune). */
  private prune(): void {
    // The lines still in the ring are the context being built right now.
    this.retained.prune(MAX_RETAINED / 2, this.ring.index[Math.max(0, this.seq - this.ringSize) % this.ringSize]);
  }
}

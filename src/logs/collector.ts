import { classify, commandName, isContinuation, Kind } from "./patterns.js";
import type { LineRecord, StepInfo } from "./line-record.js";
import { splitGhCliPrefix, stripAnsi, stripTimestamp } from "./line-text.js";

// Streaming pass over the log. Memory stays flat: it holds a ring of recent lines (context before a hit),
// the lines around hits (capped; the least telling clusters are dropped first), the step table (capped) and
// the tail of the log. Everything else is counted and forgotten.

const RING = 256;
const BEFORE_HIT = 12;
const AFTER_HIT = 12;
const AFTER_BLOCK = 40;
const BLOCK_MAX = 250;
const FAILED_STEP_TAIL = 120;
const LOG_TAIL = 160;
const MAX_RETAINED = 40_000;
const MAX_STEPS = 20_000;

export interface Collected {
  retained: Map<number, LineRecord>;
  steps: StepInfo[];
  totalLines: number;
}

export class Collector {
  private index = 0;
  private readonly ringSize: number;
  private readonly tail: number;
  private readonly ring: (LineRecord | undefined)[];
  private readonly retained = new Map<number, LineRecord>();
  private readonly steps: StepInfo[] = [{ start: 0, name: "", failed: false, failedAt: -1 }];
  private retainUntil = -1;
  private blockUntil = -1;
  private prev: LineRecord | undefined;
  private ghCli = false;

  constructor(maxLines: number) {
    // A small log must come out whole, so the tail kept is never shorter than the excerpt.
    this.tail = Math.max(LOG_TAIL, maxLines);
    this.ringSize = Math.max(RING, this.tail + 16);
    this.ring = new Array<LineRecord | undefined>(this.ringSize);
  }

  line(raw: string): void {
    const i = this.index++;
    if (i === 0 && raw.startsWith("\xEF\xBB\xBF")) raw = raw.slice(3);
    let out = stripAnsi(raw);
    let text: string;
    let stepFromPrefix: string | null = null;
    const gh = out.charCodeAt(0) < 48 || out.charCodeAt(0) > 57 ? splitGhCliPrefix(out) : null;
    if (gh) {
      // Keep the prefix in the output: the line stays verbatim; only a *leading* timestamp is dropped.
      this.ghCli = true;
      stepFromPrefix = gh.step;
      text = gh.message;
    } else {
      out = stripTimestamp(out);
      text = out;
    }
    const prev = this.prev;
    if (prev !== undefined && prev.index === i - 1 - prev.repeats && prev.out === out && out.length > 0) {
      prev.repeats++;
      return;
    }
    this.trackStep(i, text, stepFromPrefix);
    const cls = classify(text);
    const rec: LineRecord = {
      index: i,
      out,
      text,
      kind: cls.kind,
      score: cls.score,
      step: this.steps.length - 1,
      repeats: 0,
    };
    this.prev = rec;
    this.ring[i % this.ringSize] = rec;

    if (cls.kind === Kind.StepFailed) {
      const step = this.steps[this.steps.length - 1];
      step.failed = true;
      if (step.failedAt < 0) step.failedAt = i;
      this.retainBack(i, FAILED_STEP_TAIL, step.start);
      this.retainUntil = Math.max(this.retainUntil, i + 4);
    } else if (cls.kind === Kind.BlockStart) {
      this.retainBack(i, BEFORE_HIT, -1);
      this.blockUntil = i + BLOCK_MAX;
      this.retainUntil = Math.max(this.retainUntil, i + AFTER_BLOCK);
    } else if (cls.kind === Kind.Hit) {
      this.retainBack(i, BEFORE_HIT, -1);
      this.retainUntil = Math.max(this.retainUntil, i + AFTER_HIT);
    } else if (i <= this.blockUntil && isContinuation(text)) {
      // Stack traces and indented reports are kept whole (up to BLOCK_MAX lines).
      this.retainUntil = Math.max(this.retainUntil, i + 3);
    } else if (i > this.retainUntil) {
      this.blockUntil = -1;
    }
    if (i <= this.retainUntil) this.keep(rec);
  }

  finish(): Collected {
    // The end of the log is where CI systems report the outcome.
    for (let k = Math.max(0, this.index - this.tail); k < this.index; k++) {
      const rec = this.ring[k % this.ringSize];
      if (rec && rec.index === k) this.retained.set(k, rec);
    }
    return { retained: this.retained, steps: this.steps, totalLines: this.index };
  }

  get isGhCli(): boolean {
    return this.ghCli;
  }

  private trackStep(i: number, text: string, stepFromPrefix: string | null): void {
    let name: string | null = null;
    if (stepFromPrefix !== null) {
      if (stepFromPrefix !== this.steps[this.steps.length - 1].name) name = stepFromPrefix;
    } else if (text.startsWith("##[group]")) {
      const title = text.slice(9, 209);
      // Actions steps open with "Run …"; other groups (runner details, env dumps) stay in the current step.
      if (title.startsWith("Run ") || this.steps.length === 1) name = title;
    } else if (text.startsWith("Post job cleanup.") || text.startsWith("Cleaning up orphan processes")) {
      name = text;
    } else {
      name = commandName(text);
    }
    if (name === null) return;
    if (this.steps.length >= MAX_STEPS) {
      // Degrade gracefully on pathological logs: the last slot just follows the newest step.
      const last = this.steps[this.steps.length - 1];
      if (!last.failed) {
        last.start = i;
        last.name = name;
        return;
      }
    }
    this.steps.push({ start: i, name, failed: false, failedAt: -1 });
  }

  private retainBack(i: number, count: number, notBefore: number): void {
    for (let k = Math.max(0, i - count, notBefore); k < i; k++) {
      const rec = this.ring[k % this.ringSize];
      if (rec && rec.index === k && !this.retained.has(k)) this.keep(rec);
    }
  }

  private keep(rec: LineRecord): void {
    this.retained.set(rec.index, rec);
    if (this.retained.size > MAX_RETAINED) this.prune();
  }

  /** Drops the least telling clusters of retained lines until half the cap is left. */
  private prune(): void {
    const indices = [...this.retained.keys()].sort((a, b) => a - b);
    const clusters: { from: number; to: number; score: number; members: number[] }[] = [];
    for (const k of indices) {
      const rec = this.retained.get(k) as LineRecord;
      const last = clusters[clusters.length - 1];
      const s = rec.kind === Kind.StepFailed ? 100 : rec.score;
      if (last && k <= last.to + 1 + rec.repeats + 1) {
        last.to = k;
        last.score = Math.max(last.score, s);
        last.members.push(k);
      } else clusters.push({ from: k, to: k, score: s, members: [k] });
    }
    // Keep the newest lines regardless: they are the context being built right now.
    const recent = this.index - this.ringSize;
    const order = clusters.filter((c) => c.to < recent).sort((a, b) => a.score - b.score || a.from - b.from);
    for (const c of order) {
      if (this.retained.size <= MAX_RETAINED / 2) break;
      for (const k of c.members) this.retained.delete(k);
    }
  }
}

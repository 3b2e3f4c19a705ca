// Splits a byte stream into lines the way the metric and people read logs: CRLF, LF and a lone CR (progress
// bars redraw with it) all end a line. Bytes are read as latin1 so that no input, however broken, can throw.
// The carry-over between chunks is capped so that one endless line cannot exhaust memory.
import { findLineEnds, GATE_PIECE_BYTES, LINE_FLAGGED, type PieceGate } from "./piece-gate.js";

export const MAX_LINE_CHARS = 64 * 1024;
// Chunks are decoded this much at a time, whatever size they arrive in: a larger string would go to V8's
// large-object space and pile up until a full GC; and where the pieces end decides which lines straddle two
// (see `lineGate`), so the excerpt does not depend on how large the reads were.
export const PIECE_BYTES = GATE_PIECE_BYTES;

/**
 * Receives each line as a span of a larger string (no string per line: most lines are looked at, not kept).
 * `flagged`: one of the gate's words starts in the line (always false without a gate).
 */
export interface LineSink {
  /**
   * `bytes`: the piece `text` was decoded from (same offsets), valid during the call only; null for a line made
   * of two pieces.
   */
  line(text: string, start: number, end: number, flagged: boolean, bytes: Uint8Array | null): void;
}

/** A sink for callers that want each line as its own string. */
export function stringSink(fn: (line: string, flagged: boolean) => void): LineSink {
  return { line: (text, start, end, flagged) => fn(text.slice(start, end), flagged) };
}

export class LineSplitter {
  private carry = "";
  private carryTruncated = false;
  private pendingCr = false;

  // The current piece as bytes, handed to the sink with each of its lines.
  private bytes: Uint8Array | null = null;
  // Line ends of a piece when there is no gate to find them.
  private ownEnds: Int32Array | null = null;

  /**
   * `gate` is run over whole pieces rather than line by line; `lineGate` is its twin for the rare line that
   * spans two pieces.
   */
  constructor(
    private readonly sink: LineSink,
    private readonly gate: PieceGate | null = null,
    private readonly lineGate: RegExp | null = null,
  ) {}

  push(chunk: Uint8Array): void {
    for (let p = 0; p < chunk.length; p += PIECE_BYTES) {
      const n = Math.min(chunk.length - p, PIECE_BYTES);
      this.pushPiece(Buffer.from(chunk.buffer, chunk.byteOffset + p, n));
    }
  }

  private pushPiece(bytes: Buffer): void {
    // Inside an over-long line, a chunk without a line end adds nothing: skip it without decoding.
    if (this.carryTruncated && !this.pendingCr && bytes.indexOf(10) === -1 && bytes.indexOf(13) === -1) return;
    const text = bytes.toString("latin1");
    this.bytes = bytes;
    let start = 0;
    // A CR at the end of the previous chunk followed by LF here is one line end, not two.
    if (this.pendingCr) {
      this.pendingCr = false;
      if (text.charCodeAt(0) === 10) start = 1;
    }
    const n = text.length;
    // Every LF and CR of the piece, ascending, and whether the line ending there is flagged: the gate found
    // both in its pass over the piece.
    let ends: Int32Array;
    let endCount: number;
    if (this.gate !== null) {
      this.gate.scan(bytes, text);
      ends = this.gate.ends;
      endCount = this.gate.endCount;
    } else {
      ends = this.ownEnds ??= new Int32Array(PIECE_BYTES);
      endCount = findLineEnds(bytes, ends);
    }
    for (let j = 0; j < endCount; j++) {
      const entry = ends[j];
      const end = entry & (LINE_FLAGGED - 1);
      if (end < start) continue; // the LF of a CRLF
      let next = end + 1;
      if (bytes[end] === 13) {
        if (next === n) this.pendingCr = true;
        else if (bytes[next] === 10) next++;
      }
      this.emit(text, start, end, entry >= LINE_FLAGGED);
      start = next;
    }
    if (start < n) this.append(text, start, n);
  }

  /** Emits the last line when the log does not end with a line break. */
  end(): void {
    if (this.carry.length > 0 || this.carryTruncated) this.flushCarry("");
    this.pendingCr = false;
  }

  private emit(text: string, start: number, end: number, flagged: boolean): void {
    if (this.carry.length === 0 && !this.carryTruncated) {
      this.sink.line(text, start, end - start > MAX_LINE_CHARS ? start + MAX_LINE_CHARS : end, flagged, this.bytes);
      return;
    }
    this.flushCarry(text.slice(start, Math.min(end, start + MAX_LINE_CHARS)));
  }

  private flushCarry(rest: string): void {
    let line = this.carry + rest;
    if (line.length > MAX_LINE_CHARS) line = line.slice(0, MAX_LINE_CHARS);
    this.carry = "";
    this.carryTruncated = false;
    this.sink.line(line, 0, line.length, this.lineGate !== null && this.lineGate.test(line), null);
  }

  private append(text: string, start: number, end: number): void {
    const room = MAX_LINE_CHARS - this.carry.length;
    if (room <= 0) {
      this.carryTruncated = true;
      return;
    }
    this.carry += text.slice(start, Math.min(end, start + room));
    if (end - start > room) this.carryTruncated = true;
  }
}

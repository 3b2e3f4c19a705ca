import { stripAnsi, stripTimestamp } from "./line-text.js";

// Checks the collector makes on every line, by character codes on a span of a larger string: no string per line.

/** The length of a leading timestamp of src[start, end). GitHub Actions timestamps have one fixed shape. */
export function timestampLength(src: string, start: number, end: number): number {
  const len = end - start;
  if (len < 11) return 0; // the shortest possible timestamp has 20 chars; its "T" is the eleventh
  const c = src.charCodeAt(start);
  if (c < 48 || c > 57 || src.charCodeAt(start + 10) !== 84) return 0;
  if (len >= 29 && src.charCodeAt(start + 27) === 90 && src.charCodeAt(start + 4) === 45) {
    return src.charCodeAt(start + 28) === 32 ? 29 : 28;
  }
  const line = src.slice(start, end);
  return line.length - stripTimestamp(line).length;
}

// Travis draws folds and timers from these lines and never shows them; the "$ command" line after one names it.
const TRAVIS_MARKER = /^travis_(?:fold|time):(?:start|end):\S*$/;

/** Whether src[from, end) is blank (spaces, tabs, colour codes) or a Travis marker, colour codes aside. */
export function saysNothing(src: string, from: number, end: number): boolean {
  let k = from;
  for (; k < end; k++) {
    const c = src.charCodeAt(k);
    if (c === 32 || c === 9) continue;
    if (c !== 27 || src.charCodeAt(k + 1) !== 91) break;
    // A colour or erase code ("ESC [ 0 K", "ESC [ 33 ; 1 m"): step over it by character codes.
    k += 2;
    while (k < end && (src.charCodeAt(k) < 0x40 || src.charCodeAt(k) > 0x7e)) k++;
  }
  if (k >= end) return true;
  const c = src.charCodeAt(k);
  if (c === 27) return stripAnsi(src.slice(k, end)).trim() === "";
  return c === 116 && src.startsWith("travis_", k) && TRAVIS_MARKER.test(src.slice(k, end));
}

/** A flat copy: a slice would keep the whole 64 KB piece it came from alive. */
export function copy(s: string): string {
  return s.length < 13 ? s : (" " + s).slice(1);
}

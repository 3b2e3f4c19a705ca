// Two runs of the same job differ in timestamps, durations, hashes, ids and temp paths even where they say the
// same thing. This maps a line to a key in which those are blanked, so a failing line can be looked up among
// the lines of a passing run.

const TEMP_PATH = /(?:\/tmp|\/var\/folders|[A-Z]:\\Users\\[^\\]+\\AppData\\Local\\Temp)[/\\]\S*/g;
const HEX = /\b(?=[0-9a-f]*\d)[0-9a-f]{7,}\b/gi;
const DURATION = /\b\d+(?:\.\d+)?\s?(?:ms|s|sec|seconds?|m|min|minutes?|h)\b/g;
const NUMBER = /\d+/g;

export function compareKey(text: string): string {
  return text.replace(TEMP_PATH, "/tmp/~").replace(HEX, "~").replace(DURATION, "~").replace(NUMBER, "0").trim();
}

/** FNV-1a: 32-bit hashes keep the passing log's line set small (about 1 in 4 billion collide). */
export function hashKey(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

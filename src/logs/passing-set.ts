import { LineSplitter, stringSink } from "./split-lines.js";
import { splitGhCliPrefix, stripAnsi, stripTimestamp } from "./line-text.js";
import { compareKey, hashKey } from "./normalise-for-compare.js";

// The passing log only contributes 32-bit hashes of its normalised lines, capped, so memory stays flat.
const MAX_KEYS = 2_000_000;

export async function readPassingSet(source: AsyncIterable<Uint8Array>): Promise<Set<number>> {
  const keys = new Set<number>();
  const splitter = new LineSplitter(
    stringSink((raw) => {
      if (keys.size >= MAX_KEYS) return;
      let text = stripAnsi(raw.startsWith("\xEF\xBB\xBF") ? raw.slice(3) : raw);
      text = splitGhCliPrefix(text)?.message ?? stripTimestamp(text);
      if (text.length > 0) keys.add(hashKey(compareKey(text)));
    }),
  );
  for await (const chunk of source) splitter.push(chunk);
  splitter.end();
  return keys;
}

// Rule lists as few regexes as possible, each cheap to run: the classifier's cost on real logs (measured: a
// third of the reducer's time before the class cache) is in scanning lines with alternations of many rules.

/**
 * The regexes of a list as one alternation per set of flags and per anchoring: one scan of the line instead of
 * one per regex (the lists stay written out one rule per line, to be read and changed one at a time). The
 * alternatives anchored at the line start ("^…") go in a regex of their own: V8 tries an all-anchored regex at
 * position 0 only, while a mixed one is tried at every position, its anchored alternatives failing at each.
 */
export function anyOf(list: RegExp[], only?: "anchored" | "anywhere"): RegExp[] {
  const groups = new Map<string, { flags: string; sources: string[] }>();
  for (const re of list) {
    for (const alt of topLevelAlternatives(re.source)) {
      if (only !== undefined && alt.startsWith("^") !== (only === "anchored")) continue;
      const key = `${re.flags}${alt.startsWith("^") ? "^" : ""}`;
      const group = groups.get(key) ?? { flags: re.flags, sources: [] };
      group.sources.push(`(?:${alt})`);
      groups.set(key, group);
    }
  }
  // Anchored ones first: they fail fastest.
  const sorted = [...groups].sort(([a], [b]) => Number(b.endsWith("^")) - Number(a.endsWith("^")));
  return sorted.map(([, g]) => new RegExp(g.sources.join("|"), g.flags));
}

export function matchesAny(alternations: RegExp[], text: string): boolean {
  for (const re of alternations) if (re.test(text)) return true;
  return false;
}

/** A regex source split at its top-level "|" (not inside a group or a character class, not escaped). */
export function topLevelAlternatives(source: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let inClass = false;
  let start = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === "\\") i++;
    else if (inClass) inClass = c !== "]";
    else if (c === "[") inClass = true;
    else if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "|" && depth === 0) {
      out.push(source.slice(start, i));
      start = i + 1;
    }
  }
  out.push(source.slice(start));
  return out;
}

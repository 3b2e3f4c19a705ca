// Agent output (command lines, paths, todo items) lands in a GitHub comment. It must render as plain text:
// no closing our code spans, no new list items, no links or images, no @mentions that ping people.

/** An inline code span that no backtick inside `text` can close; newlines become spaces. */
export function inlineCode(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat === "") return "` `";
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const ticks = "`".repeat(longest + 1);
  // CommonMark strips one space on each side, so padding keeps a leading or trailing backtick apart.
  const pad = flat.startsWith("`") || flat.endsWith("`") ? " " : "";
  return `${ticks}${pad}${flat}${pad}${ticks}`;
}

/** Text on one line with markdown punctuation escaped and @mentions shown as code (code spans never ping). */
export function plainText(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat
    .split(/(@[A-Za-z0-9][A-Za-z0-9-]*(?:\/[A-Za-z0-9_.-]+)?)/)
    .map((part, i) => (i % 2 === 1 ? inlineCode(part) : part.replace(/[\\`*_{}[\]()<>#+!|~&-]/g, "\\$&")))
    .join("");
}

/** Cuts `text` to at most `max` characters, marking the cut with "…". */
export function shorten(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("")}…`;
}

// One-line pieces of untrusted text (job and step names, titles, paths, todo items, command lines) are shown
// inside our own markdown. They must stay one line and render as plain text: no closing our code spans, no new
// list items, no links, images or HTML, no @mentions that ping people, no bare URLs that GitHub would autolink.
import { stripHidden } from "./hidden.js";
import { redactSecrets } from "./redact.js";

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

// What GitHub turns into a ping or a link by itself: @mentions, URLs with a scheme, www. hosts.
const LIVE =
  /(@[A-Za-z0-9][A-Za-z0-9-]*(?:\/[A-Za-z0-9_.-]+)?|\b[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s<>()]*[^\s<>().,;:!?'"*_~]|\bwww\.[^\s<>()]*[^\s<>().,;:!?'"*_~])/;

/** Text on one line with markdown punctuation escaped; mentions and URLs shown as code (code never pings or links). */
export function plainText(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat
    .split(LIVE)
    .map((part, i) => (i % 2 === 1 ? inlineCode(part) : part.replace(/[\\`*_{}[\]()<>#+!|~&:-]/g, "\\$&")))
    .join("");
}

/** Cuts `text` to at most `max` characters, marking the cut with "…". */
export function shorten(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("")}…`;
}

/** Untrusted text as one plain line (hidden characters removed, secrets redacted, whitespace collapsed, capped). */
export function plainLine(text: string, max = 200): string {
  return shorten(redactSecrets(stripHidden(text)).replace(/\s+/g, " ").trim(), max);
}

/** Untrusted text as one markdown-inert line, for names and titles inside our markdown. */
export function sanitizeLine(text: string, max = 200): string {
  return plainText(plainLine(text, max));
}

/** Untrusted text as an inline code span on one line (paths, command lines), capped and redacted. */
export function codeLine(text: string, max = 200): string {
  return inlineCode(plainLine(text, max));
}

/** Untrusted text for a code block or a plain-text field (annotations): hidden characters and secrets removed. */
export function cleanText(text: string): string {
  return redactSecrets(stripHidden(text));
}

/** A fenced block that the content cannot close. */
export function codeBlock(text: string, lang = "text"): string {
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(Math.max(3, longestRun + 1));
  return `${fence}${lang}\n${text}\n${fence}`;
}

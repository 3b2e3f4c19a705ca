// Branch, workflow, check, job and step names are written by whoever writes the repository's CI files or
// pushes a branch (for a fork PR: a stranger). In a prompt they are data like log text: never part of our
// sentences, always inside a fence, on one line each, without hidden characters, and capped.
import { fenceUntrusted } from "./fence.js";
import { stripHidden } from "./hidden.js";

const MAX_CHARS = 200;

/** One line of untrusted text: hidden characters removed, whitespace collapsed, at most `max` characters. */
export function oneLine(value: string, max = MAX_CHARS): string {
  const flat = stripHidden(value).replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** `name: value` lines (empty values left out) in one fence, with our own label. */
export function fenceFacts(label: string, facts: [string, string | null | undefined][]): string {
  const lines = facts.filter((f): f is [string, string] => !!f[1]).map(([name, value]) => `${name}: ${oneLine(value)}`);
  return fenceUntrusted(label, lines.join("\n") || "(none)");
}

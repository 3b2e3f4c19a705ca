// Turns a comment body into a `/codex` command. Only the author's own first line counts: text they quote
// (`> /codex …`) or paste as code was written by someone else or meant as an example, and text hidden from
// the rendered page (HTML comments, zero-width and bidi characters) must not be able to start work.
import { stripHidden } from "../text-safety/hidden.js";
import { validatePrefix } from "./prefix.js";

export { validatePrefix } from "./prefix.js";

export type CommandName = "do" | "fix" | "race" | "triage" | "review" | "explain" | "plan" | "go" | "stop" | "status" | "help" | "unknown";

export interface ParsedCommand {
  name: CommandName;
  /** The text after the subcommand word (for `do`: after the prefix), including any following lines. */
  args: string;
  /** The command line itself, trimmed, after hidden characters were removed. */
  raw: string;
}

// Words that need no text after them; text after them is kept but does not change the command.
const PLAIN_WORDS = new Set<CommandName>(["triage", "review", "go", "stop", "status", "help"]);

/** `null` when the comment is not a command; otherwise the command, with unknown ones as "unknown". */
export function parseCommand(body: string, prefix = "/codex"): ParsedCommand | null {
  const wanted = validatePrefix(prefix);
  if (typeof body !== "string") return null;
  // stripHidden also drops "\r", so CRLF bodies split cleanly.
  const lines = stripHidden(body).split("\n");
  const index = firstOwnLine(lines);
  if (index === -1) return null;
  const raw = lines[index].trim();
  if (!startsWithPrefix(raw, wanted)) return null;

  // The subcommand word must be on the command line; an instruction or question may go on over the
  // following lines, which belong to it.
  const onLine = raw.slice(wanted.length).trim();
  const following = lines
    .slice(index + 1)
    .join("\n")
    .trim();
  const rest = [onLine, following].filter(Boolean).join("\n");
  if (onLine === "") return { name: "help", args: following, raw };

  const word = (/^\S+/.exec(onLine)?.[0] ?? "").toLowerCase().replace(/:$/, "");
  const after = [onLine.replace(/^\S+/, "").trim(), following].filter(Boolean).join("\n");
  if (word === "explain") return after ? { name: "explain", args: after, raw } : { name: "unknown", args: rest, raw };
  if (word === "fix") return { name: "fix", args: after, raw };
  // Both agents attempt it; the checks pick the winner (pipeline/fix/race.ts).
  if (word === "race") return { name: "race", args: after, raw };
  // `/codex plan` runs the task list; `/codex plan <goal>` has the planner write one first (pipeline/plan/).
  if (word === "plan") return { name: "plan", args: after, raw };
  if (PLAIN_WORDS.has(word as CommandName)) return { name: word as CommandName, args: after, raw };
  return { name: "do", args: rest, raw };
}

function startsWithPrefix(line: string, prefix: string): boolean {
  if (line.slice(0, prefix.length).toLowerCase() !== prefix) return false;
  const next = line.charAt(prefix.length);
  // "/codexify" is a different word; "/codex" alone or followed by whitespace is ours.
  return next === "" || /\s/.test(next);
}

/**
 * The index of the first line the author wrote themselves: not blank, not a quote, not inside a fenced
 * code block. Returns -1 when there is none, or when that line is an indented code block (rendered as code).
 */
function firstOwnLine(lines: string[]): number {
  let fence: { char: string; length: number } | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (fence) {
      const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(line);
      if (close && close[1][0] === fence.char && close[1].length >= fence.length) fence = null;
      continue;
    }
    const open = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
    // A backtick fence's info string cannot contain backticks (CommonMark); then it is inline code instead.
    if (open && !(open[1][0] === "`" && open[2].includes("`"))) {
      fence = { char: open[1][0], length: open[1].length };
      continue;
    }
    if (line.trim() === "" || /^\s*>/.test(line)) continue;
    return indentWidth(line) >= 4 ? -1 : i;
  }
  return -1;
}

function indentWidth(line: string): number {
  let width = 0;
  for (const ch of line) {
    if (ch === " ") width += 1;
    else if (ch === "\t") width += 4 - (width % 4);
    else break;
  }
  return width;
}

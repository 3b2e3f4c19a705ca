import { stripHidden } from "../../../text-safety/hidden.js";
import { shorten } from "../../../text-safety/inline.js";
import { redactSecrets } from "../../../text-safety/redact.js";
import { TEXT_CHARS, type Checklist } from "./checklist.js";

export interface ProgressOutcome {
  ok: boolean;
  /** For ok: what was done; otherwise the reason it stopped. */
  summary: string;
}

const MAX_TODOS = 20;
const SUMMARY_CHARS = 4000;

// stripHidden removes zero-width characters, including the one that keeps a quoted @name from pinging
// anybody; put it back, so no text in a progress comment ever mentions a person.
function defuseMentions(text: string): string {
  return text.replace(/@(?=[A-Za-z0-9])/g, "@\u200b");
}

/** The caller's title (markdown allowed), cleaned and kept to one line so it stays a heading. */
export function progressTitle(title: string): string {
  return (
    shorten(
      defuseMentions(redactSecrets(stripHidden(title)))
        .replace(/\s+/g, " ")
        .trim(),
      TEXT_CHARS,
    ) || "Codex"
  );
}

/** The comment body: heading, the outcome's summary once finished, the steps, and the agent's plan. */
export function renderProgress(title: string, list: Checklist, outcome: ProgressOutcome | undefined): string {
  const parts: string[] = [];
  if (!outcome) parts.push(`### ⏳ ${title}: working…`);
  else if (outcome.ok) parts.push(`### 🚀 ${title}: done`);
  else parts.push(`### 😕 ${title}: stopped`);
  if (outcome?.summary.trim()) {
    parts.push("", shorten(defuseMentions(redactSecrets(stripHidden(outcome.summary))).trim(), SUMMARY_CHARS));
  }
  if (list.steps.length || list.earlierSteps) {
    parts.push("");
    if (list.earlierSteps) parts.push(`- … ${list.earlierSteps} earlier step${list.earlierSteps === 1 ? "" : "s"}`);
    for (const step of list.steps) {
      // When the run is over, nothing is running any more: say so instead of leaving a spinner-like row.
      const state = !step.done && outcome ? "not finished" : step.state;
      parts.push(`- [${step.done ? "x" : " "}] ${step.text.replace("{state}", state)}`);
    }
  }
  if (list.todos.length) {
    parts.push("", "**Plan**");
    for (const todo of list.todos.slice(0, MAX_TODOS)) parts.push(`- [${todo.completed ? "x" : " "}] ${todo.text}`);
    if (list.todos.length > MAX_TODOS) parts.push(`- … ${list.todos.length - MAX_TODOS} more`);
  }
  if (!list.steps.length && !list.todos.length && !outcome) parts.push("", "Starting…");
  return parts.join("\n");
}

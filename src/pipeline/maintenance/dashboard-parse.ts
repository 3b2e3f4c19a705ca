// Reads "run now" requests from an edit of the dashboard issue (an `issues.edited` event carries the new body
// and `changes.body.from`). Ticking a checkbox is a body edit; so is anything else a person types. Only our own
// lines count: a checkbox line that ends with a run marker, inside the one section between RUN_NOW_START and
// RUN_NOW_END (the first start marker, then the first end marker after it), and that was there unticked in the
// previous body. A line a person pasted elsewhere, or added already ticked, runs nothing. The caller still
// checks that the name is a task of the current config and that the editor may run tasks.
import { DASHBOARD_MARKER, RUN_NOW_END, RUN_NOW_START, TASK_SLUG } from "./dashboard.js";

const CHECKBOX = new RegExp(
  `^[ \\t]*[-*+][ \\t]+\\[([ xX])\\][ \\t].*<!-- codex-dispatch:run:(${TASK_SLUG.source.slice(1, -1)}) -->[ \\t]*$`,
);

/** Each task's checkbox state in a body's run-now section (the first line for a name wins); empty when absent. */
export function runNowStates(body: string): Map<string, boolean> {
  const states = new Map<string, boolean>();
  const text = body.replace(/\r\n?/g, "\n");
  if (!text.includes(DASHBOARD_MARKER)) return states;
  const start = text.indexOf(RUN_NOW_START);
  if (start < 0) return states;
  const end = text.indexOf(RUN_NOW_END, start + RUN_NOW_START.length);
  if (end < 0) return states;
  for (const line of text.slice(start + RUN_NOW_START.length, end).split("\n")) {
    const match = CHECKBOX.exec(line);
    if (match && !states.has(match[2])) states.set(match[2], match[1] !== " ");
  }
  return states;
}

/** The tasks whose box went from unticked (in `previousBody`) to ticked (in `editedBody`), in body order. */
export function tickedTasks(previousBody: string | null | undefined, editedBody: string | null | undefined): string[] {
  const before = runNowStates(previousBody ?? "");
  const after = runNowStates(editedBody ?? "");
  return [...after].filter(([name, ticked]) => ticked && before.get(name) === false).map(([name]) => name);
}

// The state of a progress comment, built from codex's item events: one row per command and per changed file,
// and the agent's plan. Everything in it was written by the agent or its commands, so it is redacted, made
// one line and shortened here, before any rendering.
import { z } from "zod";
import { stripHidden } from "../../../text-safety/hidden.js";
import { inlineCode, sanitizeLine, shorten } from "../../../text-safety/inline.js";
import { redactSecrets } from "../../../text-safety/redact.js";

export interface Step {
  key: string;
  /** The row with `{state}` where the state goes, so a run that ends can mark unfinished steps. */
  text: string;
  state: string;
  done: boolean;
}

export interface Todo {
  text: string;
  completed: boolean;
}

const MAX_STEPS = 40;
const COMMAND_CHARS = 80;
export const TEXT_CHARS = 200;

const CommandItem = z.looseObject({
  id: z.string().optional(),
  type: z.literal("command_execution"),
  command: z.string(),
  exit_code: z.number().nullable().optional(),
  status: z.string().optional(),
});
const FileChangeItem = z.looseObject({
  id: z.string().optional(),
  type: z.literal("file_change"),
  changes: z.array(z.looseObject({ path: z.string(), kind: z.string() })),
  status: z.string().optional(),
});
const TodoListItem = z.looseObject({
  type: z.literal("todo_list"),
  items: z.array(z.looseObject({ text: z.string(), completed: z.boolean() })),
});

const VERB: Record<string, string> = { add: "added", delete: "deleted", update: "edited" };

export class Checklist {
  steps: Step[] = [];
  /** Steps dropped from the front to keep the list short; shown as a count. */
  earlierSteps = 0;
  todos: Todo[] = [];

  /** @param root The worktree root: absolute paths in file changes are shown relative to it. */
  constructor(private readonly root?: string) {}

  /** Applies one item; true when the rendered state changed. */
  apply(item: unknown, completed: boolean): boolean {
    const command = CommandItem.safeParse(item);
    if (command.success) {
      const { id, command: line, exit_code: exit, status } = command.data;
      const text = inlineCode(
        shorten(
          unwrapShell(redactSecrets(stripHidden(line)))
            .replace(/\s+/g, " ")
            .trim(),
          COMMAND_CHARS,
        ),
      );
      let state: string;
      let done = true;
      if (typeof exit === "number") state = `exit ${exit}`;
      else if (status === "declined") state = "declined";
      else if (status === "in_progress" || !completed) [state, done] = ["running", false];
      else state = status === "failed" ? "failed" : "done";
      return this.upsert({ key: `cmd:${id ?? this.steps.length + this.earlierSteps}`, text: `${text} ({state})`, state, done });
    }
    const change = FileChangeItem.safeParse(item);
    if (change.success) {
      // Like the event summary, a change counts once it is complete (codex may still reject the patch).
      if (!completed) return false;
      let changed = false;
      for (const { path, kind } of change.data.changes) {
        const shown = inlineCode(shorten(redactSecrets(stripHidden(this.relative(path))), TEXT_CHARS));
        const key = `file:${kind}:${path}`;
        const step =
          change.data.status === "failed"
            ? { key, text: `${shown} ({state})`, state: "change failed", done: false }
            : { key, text: `${VERB[kind] ?? "changed"} ${shown}`, state: "", done: true };
        changed = this.upsert(step) || changed;
      }
      return changed;
    }
    const todo = TodoListItem.safeParse(item);
    if (todo.success) {
      const next = todo.data.items.map(({ text, completed: done }) => ({
        text: sanitizeLine(text, TEXT_CHARS),
        completed: done,
      }));
      if (JSON.stringify(next) === JSON.stringify(this.todos)) return false;
      this.todos = next;
      return true;
    }
    // Agent messages are not shown while running: they are free text from the model (links, mentions,
    // half-finished thoughts); the caller puts the final answer into `finish`'s summary.
    return false;
  }

  private upsert(step: Step): boolean {
    const existing = this.steps.find((s) => s.key === step.key);
    if (existing) {
      if (existing.text === step.text && existing.state === step.state && existing.done === step.done) return false;
      Object.assign(existing, step);
      return true;
    }
    this.steps.push(step);
    // Older steps are summarised so that a long run neither outgrows the comment nor this process's memory.
    while (this.steps.length > MAX_STEPS) {
      this.steps.shift();
      this.earlierSteps += 1;
    }
    return true;
  }

  private relative(path: string): string {
    if (this.root && path.startsWith(`${this.root}/`)) return path.slice(this.root.length + 1);
    return path;
  }
}

/** `/bin/bash -lc 'npm test'` → `npm test`: the wrapper codex adds says nothing to a reader. */
function unwrapShell(command: string): string {
  const match = /^\s*(?:\/(?:usr\/)?bin\/)?(?:ba|z)?sh\s+-l?c\s+(?:'([^']*)'|"([^"\\`$]*)")\s*$/.exec(command);
  return match ? (match[1] ?? match[2]) : command;
}

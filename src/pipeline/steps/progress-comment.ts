// The sticky progress comment of a `/codex` run: a checklist that follows the agent's events. GitHub limits
// how fast a bot may edit comments (secondary rate limits: about 80 content writes a minute), and codex can
// emit dozens of events a second, so edits are coalesced to at most one per interval, always with the
// latest state (trailing edge). Everything shown was written by the agent or its commands: it is redacted
// and rendered as inert text.
import { z } from "zod";
import type { CodexEvent } from "../../agent/events.js";
import { stripHidden } from "../../text-safety/hidden.js";
import { inlineCode, sanitizeLine, shorten } from "../../text-safety/inline.js";
import { redactSecrets } from "../../text-safety/redact.js";

export interface ProgressCommentOptions {
  title: string;
  /** Replaces the comment's body (the caller owns the sticky marker and the API call). */
  publish: (body: string) => Promise<void>;
  minIntervalMs?: number;
  /** The worktree root: absolute paths in file changes are shown relative to it. */
  root?: string;
  onError?: (error: unknown) => void;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export interface ProgressOutcome {
  ok: boolean;
  /** For ok: what was done; otherwise the reason it stopped. */
  summary: string;
}

const MAX_STEPS = 40;
const MAX_TODOS = 20;
const COMMAND_CHARS = 80;
const TEXT_CHARS = 200;
const SUMMARY_CHARS = 4000;

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

interface Step {
  key: string;
  /** The row with `{state}` where the state goes, so a run that ends can mark unfinished steps. */
  text: string;
  state: string;
  done: boolean;
}

// stripHidden removes zero-width characters, including the one that keeps a quoted @name from pinging
// anybody; put it back, so no text in a progress comment ever mentions a person.
function defuseMentions(text: string): string {
  return text.replace(/@(?=[A-Za-z0-9])/g, "@\u200b");
}

const VERB: Record<string, string> = { add: "added", delete: "deleted", update: "edited" };

export class ProgressComment {
  private readonly title: string;
  private readonly publishFn: (body: string) => Promise<void>;
  private readonly interval: number;
  private readonly root?: string;
  private readonly onError: (error: unknown) => void;
  private readonly now: () => number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;

  private steps: Step[] = [];
  private earlierSteps = 0;
  private todos: { text: string; completed: boolean }[] = [];
  private outcome?: ProgressOutcome;

  private lastPublishAt: number;
  private lastPublished?: string;
  private timer: unknown = undefined;
  private timerSet = false;
  private queued = false;
  private chain: Promise<void> = Promise.resolve();

  constructor(options: ProgressCommentOptions) {
    if (typeof options.publish !== "function") throw new TypeError("ProgressComment needs a publish function");
    const interval = options.minIntervalMs ?? 3000;
    if (!Number.isFinite(interval) || interval < 0) throw new RangeError("minIntervalMs must be a number >= 0");
    // The title is the caller's own text (markdown allowed), kept to one line so it stays a heading.
    this.title =
      shorten(
        defuseMentions(redactSecrets(stripHidden(String(options.title ?? ""))))
          .replace(/\s+/g, " ")
          .trim(),
        TEXT_CHARS,
      ) || "Codex";
    this.publishFn = options.publish;
    this.interval = interval;
    this.root = options.root?.replace(/\/+$/, "");
    this.onError = options.onError ?? (() => {});
    this.now = options.now ?? Date.now;
    this.setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = options.clearTimer ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>));
    // The comment was just posted by the caller (with `render()`), so the first edit waits a full interval.
    this.lastPublishAt = this.now();
  }

  /** Feeds one codex event; the comment is edited later, coalesced with other events. Ignored after finish. */
  onEvent(event: CodexEvent): void {
    if (this.outcome) return;
    if (event.type !== "item.started" && event.type !== "item.updated" && event.type !== "item.completed") return;
    if (this.apply(event.item, event.type === "item.completed")) this.schedule();
  }

  /** Publishes the final state at once; later events are ignored. Resolves when that edit is done. */
  finish(outcome: ProgressOutcome): Promise<void> {
    if (!this.outcome) {
      this.outcome = { ok: Boolean(outcome.ok), summary: String(outcome.summary ?? "") };
      this.cancelTimer();
      this.enqueue();
    }
    return this.flush();
  }

  /** Resolves when every publish started so far has settled. */
  async flush(): Promise<void> {
    let seen: Promise<void>;
    do {
      seen = this.chain;
      await seen;
    } while (seen !== this.chain);
  }

  /** The comment body for the current state. */
  render(): string {
    const parts: string[] = [];
    if (!this.outcome) parts.push(`### ⏳ ${this.title}: working…`);
    else if (this.outcome.ok) parts.push(`### 🚀 ${this.title}: done`);
    else parts.push(`### 😕 ${this.title}: stopped`);
    if (this.outcome?.summary.trim()) {
      parts.push("", shorten(defuseMentions(redactSecrets(stripHidden(this.outcome.summary))).trim(), SUMMARY_CHARS));
    }
    if (this.steps.length || this.earlierSteps) {
      parts.push("");
      if (this.earlierSteps) parts.push(`- … ${this.earlierSteps} earlier step${this.earlierSteps === 1 ? "" : "s"}`);
      for (const step of this.steps) {
        // When the run is over, nothing is running any more: say so instead of leaving a spinner-like row.
        const state = !step.done && this.outcome ? "not finished" : step.state;
        parts.push(`- [${step.done ? "x" : " "}] ${step.text.replace("{state}", state)}`);
      }
    }
    if (this.todos.length) {
      parts.push("", "**Plan**");
      for (const todo of this.todos.slice(0, MAX_TODOS)) parts.push(`- [${todo.completed ? "x" : " "}] ${todo.text}`);
      if (this.todos.length > MAX_TODOS) parts.push(`- … ${this.todos.length - MAX_TODOS} more`);
    }
    if (!this.steps.length && !this.todos.length && !this.outcome) parts.push("", "Starting…");
    return parts.join("\n");
  }

  /** Applies one item; true when the rendered state changed. */
  private apply(item: unknown, completed: boolean): boolean {
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

  private schedule(): void {
    if (this.timerSet) return; // the pending edit will carry this change too
    const wait = Math.max(0, this.lastPublishAt + this.interval - this.now());
    this.timerSet = true;
    this.timer = this.setTimer(() => {
      this.timerSet = false;
      this.timer = undefined;
      this.enqueue();
    }, wait);
  }

  private cancelTimer(): void {
    if (this.timerSet) this.clearTimer(this.timer);
    this.timerSet = false;
    this.timer = undefined;
  }

  /** Queues one edit; the body is rendered when its turn comes, so a slow API never sends stale states. */
  private enqueue(): void {
    if (this.queued) return;
    this.queued = true;
    this.lastPublishAt = this.now();
    this.chain = this.chain.then(async () => {
      this.queued = false;
      const body = redactSecrets(this.render());
      if (body === this.lastPublished) return;
      this.lastPublishAt = this.now();
      try {
        await this.publishFn(body);
        this.lastPublished = body;
      } catch (error) {
        try {
          this.onError(error);
        } catch {
          // A failing logger must not break later edits either.
        }
      }
    });
  }
}

/** `/bin/bash -lc 'npm test'` → `npm test`: the wrapper codex adds says nothing to a reader. */
function unwrapShell(command: string): string {
  const match = /^\s*(?:\/(?:usr\/)?bin\/)?(?:ba|z)?sh\s+-l?c\s+(?:'([^']*)'|"([^"\\`$]*)")\s*$/.exec(command);
  return match ? (match[1] ?? match[2]) : command;
}

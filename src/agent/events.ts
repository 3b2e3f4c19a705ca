// Parser for `codex exec --json` output (JSONL on stdout). Codex adds event and item types between releases
// and a crashing or wrapped binary can print anything, so the parser never throws: lines that are not JSON
// are counted as garbage, known events are checked with zod, anything else is kept as an opaque event.
import { z } from "zod";
import { LineSplitter } from "./line-splitter.js";

const usageSchema = z.looseObject({
  input_tokens: z.number().nonnegative().default(0),
  cached_input_tokens: z.number().nonnegative().default(0),
  output_tokens: z.number().nonnegative().default(0),
  reasoning_output_tokens: z.number().nonnegative().default(0),
});

const itemSchema = z.looseObject({ id: z.string().optional(), type: z.string() });

const commandItemSchema = z.looseObject({
  id: z.string().optional(),
  type: z.literal("command_execution"),
  command: z.string(),
  exit_code: z.number().nullable().optional(),
  status: z.string().optional(),
  aggregated_output: z.string().optional(),
});
const fileChangeItemSchema = z.looseObject({
  type: z.literal("file_change"),
  changes: z.array(z.looseObject({ path: z.string(), kind: z.string() })),
});
const agentMessageItemSchema = z.looseObject({ type: z.literal("agent_message"), text: z.string() });
const todoListItemSchema = z.looseObject({
  type: z.literal("todo_list"),
  items: z.array(z.looseObject({ text: z.string(), completed: z.boolean() })),
});
const errorItemSchema = z.looseObject({ type: z.literal("error"), message: z.string() });

const eventSchema = z.discriminatedUnion("type", [
  z.looseObject({ type: z.literal("thread.started"), thread_id: z.string() }),
  z.looseObject({ type: z.literal("turn.started") }),
  z.looseObject({ type: z.literal("turn.completed"), usage: usageSchema }),
  z.looseObject({ type: z.literal("turn.failed"), error: z.looseObject({ message: z.string() }) }),
  z.looseObject({ type: z.literal("error"), message: z.string() }),
  z.looseObject({ type: z.enum(["item.started", "item.updated", "item.completed"]), item: itemSchema }),
]);

/** A known codex event, or `{type: "unknown", raw}` for anything this version does not recognise. */
export type CodexEvent = z.infer<typeof eventSchema> | { type: "unknown"; raw: unknown };

export interface CodexCommand {
  command: string;
  exitCode: number | null;
  status: string;
}
export interface CodexFileChange {
  path: string;
  kind: string;
}
export interface CodexUsage {
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  reasoningOutputTokens: number;
}

/** What a run's event stream added up to. */
export interface CodexEventSummary {
  threadId?: string;
  commands: CodexCommand[];
  fileChanges: CodexFileChange[];
  todoList: { text: string; completed: boolean }[];
  agentMessages: string[];
  finalMessage?: string;
  usage: CodexUsage;
  turnFailed: boolean;
  errors: string[];
  garbageLines: number;
  unknownEvents: number;
}

// A flood of garbage must not grow memory without bound; the count stays exact.
const MAX_GARBAGE_SAMPLES = 20;
const SAMPLE_CHARS = 200;

/** A summary before any event: both CLIs' parsers start from it. */
export function emptyEventSummary(): CodexEventSummary {
  return {
    commands: [],
    fileChanges: [],
    todoList: [],
    agentMessages: [],
    usage: { inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, reasoningOutputTokens: 0 },
    turnFailed: false,
    errors: [],
    garbageLines: 0,
    unknownEvents: 0,
  };
}

export class CodexEventParser {
  private readonly lines = new LineSplitter((raw) => this.line(raw));
  private readonly commandsById = new Map<string, CodexCommand>();
  private readonly summary: CodexEventSummary = emptyEventSummary();

  constructor(private readonly onEvent?: (event: CodexEvent) => void) {}

  /** Feeds a chunk of stdout; complete lines are parsed, a partial last line waits for the next chunk. */
  push(chunk: string): void {
    this.lines.push(chunk);
  }

  /** Parses what is left (a last line without a newline, e.g. after a crash) and returns the summary. */
  end(): CodexEventSummary {
    this.lines.end();
    return this.result();
  }

  result(): CodexEventSummary {
    return {
      ...this.summary,
      commands: this.summary.commands.map((c) => ({ ...c })),
      fileChanges: [...this.summary.fileChanges],
      todoList: [...this.summary.todoList],
      agentMessages: [...this.summary.agentMessages],
      usage: { ...this.summary.usage },
      errors: [...this.summary.errors],
    };
  }

  private line(raw: string): void {
    const text = raw.trim();
    if (text === "") return;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      this.garbage(text);
      return;
    }
    if (typeof json !== "object" || json === null || Array.isArray(json)) {
      this.garbage(text);
      return;
    }
    const parsed = eventSchema.safeParse(json);
    const event: CodexEvent = parsed.success ? parsed.data : { type: "unknown", raw: json };
    this.apply(event);
    if (this.onEvent) {
      try {
        this.onEvent(event);
      } catch {
        // A failing progress listener must not break the run it is watching.
      }
    }
  }

  private garbage(text: string): void {
    this.summary.garbageLines += 1;
    if (this.summary.garbageLines <= MAX_GARBAGE_SAMPLES) {
      this.summary.errors.push(`unparseable output line: ${text.slice(0, SAMPLE_CHARS)}`);
    }
  }

  private apply(event: CodexEvent): void {
    const s = this.summary;
    switch (event.type) {
      case "thread.started":
        s.threadId = event.thread_id;
        return;
      case "turn.completed":
        s.usage.inputTokens += event.usage.input_tokens;
        s.usage.cachedInputTokens += event.usage.cached_input_tokens;
        s.usage.outputTokens += event.usage.output_tokens;
        s.usage.reasoningOutputTokens += event.usage.reasoning_output_tokens;
        return;
      case "turn.failed":
        s.turnFailed = true;
        this.error(event.error.message);
        return;
      case "error":
        this.error(event.message);
        return;
      case "item.started":
      case "item.updated":
      case "item.completed":
        this.item(event.item, event.type === "item.completed");
        return;
      case "unknown":
        s.unknownEvents += 1;
        return;
      default:
        return;
    }
  }

  private item(item: z.infer<typeof itemSchema>, completed: boolean): void {
    const s = this.summary;
    const command = commandItemSchema.safeParse(item);
    if (command.success) {
      const entry = { command: command.data.command, exitCode: command.data.exit_code ?? null, status: command.data.status ?? "unknown" };
      const id = command.data.id;
      const known = id === undefined ? undefined : this.commandsById.get(id);
      if (known) Object.assign(known, entry);
      else {
        if (id !== undefined) this.commandsById.set(id, entry);
        s.commands.push(entry);
      }
      return;
    }
    const todo = todoListItemSchema.safeParse(item);
    if (todo.success) {
      s.todoList = todo.data.items.map(({ text, completed: done }) => ({ text, completed: done }));
      return;
    }
    // Messages, file changes and error items count once, when they are complete.
    if (!completed) return;
    const message = agentMessageItemSchema.safeParse(item);
    if (message.success) {
      s.agentMessages.push(message.data.text);
      s.finalMessage = message.data.text;
      return;
    }
    const change = fileChangeItemSchema.safeParse(item);
    if (change.success) {
      for (const { path, kind } of change.data.changes) {
        if (!s.fileChanges.some((c) => c.path === path && c.kind === kind)) s.fileChanges.push({ path, kind });
      }
      return;
    }
    const error = errorItemSchema.safeParse(item);
    if (error.success) this.error(error.data.message);
  }

  private error(message: string): void {
    // codex often repeats the fatal message as `error` and then `turn.failed`; keep it once.
    if (this.summary.errors.at(-1) !== message) this.summary.errors.push(message);
  }
}

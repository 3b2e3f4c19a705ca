// Parser for `claude -p --output-format stream-json --verbose` (JSONL on stdout), translating Claude's events
// into the normalised ones every pipeline already reads (the codex vocabulary, events.ts):
// - system/init → thread.started (the session id);
// - an assistant text block → item.completed agent_message;
// - a Bash tool_use → item.started command_execution, its tool_result → item.completed with the exit code
//   (0, or the N of Claude's "Exit code N" on an error result);
// - a Write/Edit tool_use whose tool_result is not an error → item.completed file_change (add/update);
// - result → turn.completed with the usage, and turn.failed when the run did not succeed.
// Like the codex parser it never throws: non-JSON lines are counted as garbage, unknown events skipped.
import { z } from "zod";
import { LineSplitter } from "../line-splitter.js";
import type { CodexCommand, CodexEvent, CodexEventSummary, CodexFileChange } from "../events.js";
import { emptyEventSummary } from "../events.js";

const contentBlock = z.looseObject({
  type: z.string(),
  id: z.string().optional(),
  text: z.string().optional(),
  name: z.string().optional(),
  input: z.record(z.string(), z.unknown()).optional(),
  tool_use_id: z.string().optional(),
  is_error: z.boolean().optional(),
  content: z.unknown().optional(),
});
const messageEvent = z.looseObject({
  type: z.enum(["assistant", "user"]),
  message: z.looseObject({ content: z.union([z.array(contentBlock), z.string()]) }),
  tool_use_result: z.unknown().optional(),
});
const initEvent = z.looseObject({ type: z.literal("system"), subtype: z.literal("init"), session_id: z.string() });
const usage = z.looseObject({
  input_tokens: z.number().nonnegative().default(0),
  cache_creation_input_tokens: z.number().nonnegative().nullish(),
  cache_read_input_tokens: z.number().nonnegative().nullish(),
  output_tokens: z.number().nonnegative().default(0),
});
const resultEvent = z.looseObject({
  type: z.literal("result"),
  subtype: z.string(),
  is_error: z.boolean().default(false),
  result: z.string().optional(),
  structured_output: z.unknown().optional(),
  api_error_status: z.number().nullish(),
  num_turns: z.number().optional(),
  usage: usage.optional(),
  permission_denials: z.array(z.looseObject({ tool_name: z.string().optional() })).default([]),
  errors: z.array(z.string()).optional(),
});

export type ClaudeResult = z.infer<typeof resultEvent>;

export interface ClaudeSummary extends CodexEventSummary {
  /** The final `result` event, when the CLI got that far. */
  result?: ClaudeResult;
}

const MAX_GARBAGE_SAMPLES = 20;
const SAMPLE_CHARS = 200;
const OUTPUT_CHARS = 4000;

export class ClaudeEventParser {
  private readonly lines = new LineSplitter((raw) => this.line(raw));
  private readonly pending = new Map<string, { name: string; input: Record<string, unknown>; command?: CodexCommand }>();
  private readonly summary: ClaudeSummary = emptyEventSummary();

  constructor(private readonly onEvent?: (event: CodexEvent) => void) {}

  push(chunk: string): void {
    this.lines.push(chunk);
  }

  end(): ClaudeSummary {
    this.lines.end();
    const s = this.summary;
    return {
      ...s,
      commands: s.commands.map((c) => ({ ...c })),
      fileChanges: [...s.fileChanges],
      agentMessages: [...s.agentMessages],
      usage: { ...s.usage },
      errors: [...s.errors],
    };
  }

  private line(raw: string): void {
    const text = raw.trim();
    if (text === "") return;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return this.garbage(text);
    }
    if (typeof json !== "object" || json === null || Array.isArray(json)) return this.garbage(text);
    const init = initEvent.safeParse(json);
    if (init.success) {
      this.summary.threadId = init.data.session_id;
      return this.emit({ type: "thread.started", thread_id: init.data.session_id });
    }
    const message = messageEvent.safeParse(json);
    if (message.success) return this.message(message.data);
    const result = resultEvent.safeParse(json);
    if (result.success) return this.result(result.data);
    this.summary.unknownEvents += 1;
  }

  private message(event: z.infer<typeof messageEvent>): void {
    if (typeof event.message.content === "string") return;
    for (const block of event.message.content) {
      if (event.type === "assistant" && block.type === "text" && block.text) {
        this.summary.agentMessages.push(block.text);
        this.summary.finalMessage = block.text;
        this.emit({ type: "item.completed", item: { id: block.id, type: "agent_message", text: block.text } });
      } else if (event.type === "assistant" && block.type === "tool_use" && block.id && block.name) {
        this.toolUse(block.id, block.name, block.input ?? {});
      } else if (event.type === "user" && block.type === "tool_result" && block.tool_use_id) {
        this.toolResult(block.tool_use_id, block.is_error === true, textOf(block.content), event.tool_use_result);
      }
    }
  }

  private toolUse(id: string, name: string, input: Record<string, unknown>): void {
    const entry: { name: string; input: Record<string, unknown>; command?: CodexCommand } = { name, input };
    if (name === "Bash" && typeof input.command === "string") {
      entry.command = { command: input.command, exitCode: null, status: "in_progress" };
      this.summary.commands.push(entry.command);
      this.emit({ type: "item.started", item: { id, type: "command_execution", command: input.command, status: "in_progress" } });
    }
    this.pending.set(id, entry);
  }

  private toolResult(id: string, isError: boolean, output: string, detail: unknown): void {
    const use = this.pending.get(id);
    if (!use) return;
    this.pending.delete(id);
    if (use.command) {
      const code = isError ? /^(?:Error: )?Exit code (\d+)/.exec(output)?.[1] : "0";
      use.command.exitCode = code === undefined ? null : Number(code);
      use.command.status = isError ? "failed" : "completed";
      const { command, exitCode, status } = use.command;
      const item = { id, type: "command_execution", command, exit_code: exitCode, status, aggregated_output: output.slice(-OUTPUT_CHARS) };
      return this.emit({ type: "item.completed", item });
    }
    if ((use.name === "Write" || use.name === "Edit") && !isError && typeof use.input.file_path === "string") {
      const created = (detail as { type?: unknown } | undefined)?.type === "create";
      const change: CodexFileChange = { path: use.input.file_path, kind: created ? "add" : "update" };
      if (!this.summary.fileChanges.some((c) => c.path === change.path && c.kind === change.kind)) this.summary.fileChanges.push(change);
      this.emit({ type: "item.completed", item: { id, type: "file_change", changes: [change] } });
    }
  }

  private result(event: ClaudeResult): void {
    const s = this.summary;
    s.result = event;
    if (event.usage) {
      const u = event.usage;
      const cached = u.cache_read_input_tokens ?? 0;
      // Like codex's input_tokens, the input count includes the cached part.
      s.usage.inputTokens += u.input_tokens + (u.cache_creation_input_tokens ?? 0) + cached;
      s.usage.cachedInputTokens += cached;
      s.usage.outputTokens += u.output_tokens;
      const normalised = {
        input_tokens: s.usage.inputTokens,
        cached_input_tokens: cached,
        output_tokens: u.output_tokens,
        reasoning_output_tokens: 0,
      };
      this.emit({ type: "turn.completed", usage: normalised });
    }
    if (event.subtype !== "success" || event.is_error) {
      s.turnFailed = true;
      const message = [...(event.errors ?? []), event.is_error && event.result ? event.result : ""].filter(Boolean).join("; ");
      s.errors.push(message || `claude ended with ${event.subtype}`);
      this.emit({ type: "turn.failed", error: { message: message || event.subtype } });
    }
  }

  private emit(event: CodexEvent): void {
    if (!this.onEvent) return;
    try {
      this.onEvent(event);
    } catch {
      // A failing progress listener must not break the run it is watching.
    }
  }

  private garbage(text: string): void {
    this.summary.garbageLines += 1;
    if (this.summary.garbageLines <= MAX_GARBAGE_SAMPLES)
      this.summary.errors.push(`unparseable output line: ${text.slice(0, SAMPLE_CHARS)}`);
  }
}

// tool_result content is a string or a list of blocks ({type:"text", text}).
function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((b: { text?: unknown }) => (typeof b?.text === "string" ? b.text : "")).join("");
  return "";
}

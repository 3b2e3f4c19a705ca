// The agent's timeline as the dashboard shows it: each agent event that says what happened (a command and its
// exit code, files changed, a message, an error, the tokens of a turn) becomes one row of job_events, written as
// it arrives so that a job page watching from another process sees the run grow. Everything in an event was
// written by the agent, its commands or a stranger's repository: it is redacted, stripped of hidden characters
// and shortened here, before it is stored; the page escapes it again when it renders.
import type { Logger } from "probot";
import { z } from "zod";
import type { AgentEvent } from "../../agent/agent.js";
import type { Database } from "../../jobs/db.js";
import { insertJobEvent, type JobEventType } from "../../jobs/job-events.js";
import { stripHidden } from "../../text-safety/hidden.js";
import { shorten } from "../../text-safety/inline.js";
import { redactSecrets } from "../../text-safety/redact.js";

/** Rows per agent run: a run that loops on commands must not fill the table; the cut is marked. */
export const MAX_TIMELINE_EVENTS = 300;
const COMMAND_CHARS = 300;
const MESSAGE_CHARS = 1500;

const CommandItem = z.looseObject({
  type: z.literal("command_execution"),
  command: z.string(),
  exit_code: z.number().nullable().optional(),
});
const FileChangeItem = z.looseObject({
  type: z.literal("file_change"),
  changes: z.array(z.looseObject({ path: z.string(), kind: z.string() })),
});
const MessageItem = z.looseObject({ type: z.literal("agent_message"), text: z.string() });
const ErrorItem = z.looseObject({ type: z.literal("error"), message: z.string() });

const clean = (text: string, max: number) => shorten(redactSecrets(stripHidden(text)).trim(), max);

export class TimelineRecorder {
  private written = 0;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Database,
    private readonly jobKey: string,
    private readonly log: Logger,
    /** The worktree: file paths are stored relative to it. */
    private readonly root?: string,
  ) {}

  /** The run's first row: which agent, so a job with two runs (a second opinion, a retry) reads apart. */
  start(agent: string, model: string | undefined): void {
    this.add("start", `${agent} started${model ? ` (${model})` : ""}`, null);
  }

  readonly onEvent = (event: AgentEvent): void => {
    if (event.type === "item.completed") this.item(event.item);
    else if (event.type === "turn.failed") this.add("error", clean(event.error.message, MESSAGE_CHARS), null);
    else if (event.type === "error") this.add("error", clean(event.message, MESSAGE_CHARS), null);
    else if (event.type === "turn.completed") {
      const u = event.usage;
      this.add("usage", `turn completed: ${u.input_tokens} input tokens, ${u.output_tokens} output tokens`, null);
    }
  };

  /** Resolves when every row queued so far is written (or failed to be: a lost row costs a line, never the job). */
  async flush(): Promise<void> {
    await this.chain;
  }

  private item(item: unknown): void {
    const command = CommandItem.safeParse(item);
    if (command.success)
      return this.add("command", clean(unwrapShell(command.data.command), COMMAND_CHARS), command.data.exit_code ?? null);
    const change = FileChangeItem.safeParse(item);
    if (change.success) {
      const files = change.data.changes.map((c) => `${c.kind} ${this.relative(c.path)}`).join("\n");
      return this.add("files", clean(files, MESSAGE_CHARS), null);
    }
    const message = MessageItem.safeParse(item);
    if (message.success) return this.add("message", clean(message.data.text, MESSAGE_CHARS), null);
    const error = ErrorItem.safeParse(item);
    if (error.success) this.add("error", clean(error.data.message, MESSAGE_CHARS), null);
  }

  private add(type: JobEventType, text: string, exitCode: number | null): void {
    if (this.written > MAX_TIMELINE_EVENTS) return;
    this.written += 1;
    const row =
      this.written > MAX_TIMELINE_EVENTS
        ? {
            jobKey: this.jobKey,
            type: "truncated" as const,
            text: `more than ${MAX_TIMELINE_EVENTS} events: the rest are not kept`,
            exitCode: null,
          }
        : { jobKey: this.jobKey, type, text, exitCode };
    // One write at a time, in arrival order: seq then follows the order the agent worked in.
    this.chain = this.chain.then(() =>
      insertJobEvent(this.db, row).catch((err: unknown) => this.log.warn({ err }, "timeline event not recorded")),
    );
  }

  private relative(path: string): string {
    const root = this.root?.replace(/\/+$/, "");
    return root && path.startsWith(`${root}/`) ? path.slice(root.length + 1) : path;
  }
}

/** `/bin/bash -lc 'npm test'` → `npm test`: the wrapper codex adds says nothing to a reader. */
function unwrapShell(command: string): string {
  const match = /^\s*(?:\/(?:usr\/)?bin\/)?(?:ba|z)?sh\s+-l?c\s+(?:'([^']*)'|"([^"\\`$]*)")\s*$/.exec(command);
  return match ? (match[1] ?? match[2]) : command;
}

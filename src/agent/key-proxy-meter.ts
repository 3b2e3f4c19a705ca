// Counts the tokens a job spends from the answers the key proxy streams back, for both model APIs:
// - Responses (codex): the terminal event (`response.completed`, `.incomplete`, `.failed`) carries the usage of
//   the whole response;
// - Messages (Claude): `message_start` carries the input tokens (fresh, cache writes and cache reads: all are
//   input the account pays for) and a first output count; each `message_delta` carries the output count so
//   far (cumulative), so only its growth is added.
// A plain JSON answer (no stream) carries `usage` at the top level in both APIs.
import { z } from "zod";
import type { ModelApi } from "./key-proxy-policy.js";

export interface ProxyUsage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  requests: number;
}

const RESPONSES_TERMINAL = new Set(["response.completed", "response.incomplete", "response.failed"]);

const responsesUsage = z.object({
  input_tokens: z.number().nonnegative(),
  output_tokens: z.number().nonnegative(),
  total_tokens: z.number().optional(),
});
const messagesUsage = z.looseObject({
  input_tokens: z.number().nonnegative().optional(),
  cache_creation_input_tokens: z.number().nonnegative().nullish(),
  cache_read_input_tokens: z.number().nonnegative().nullish(),
  output_tokens: z.number().nonnegative().optional(),
});

export class UsageMeter {
  private readonly decoder = new TextDecoder();
  private pending = "";
  private readonly sse: boolean;
  /** Output tokens already counted for the Messages response in flight (message_delta counts are cumulative). */
  private messageOutput = 0;

  constructor(
    private readonly usage: ProxyUsage,
    private readonly api: ModelApi,
    contentType: string,
  ) {
    this.sse = contentType.includes("text/event-stream");
  }

  feed(chunk: Uint8Array): void {
    this.pending += this.decoder.decode(chunk, { stream: true });
    if (!this.sse) return;
    let newline = this.pending.indexOf("\n");
    while (newline !== -1) {
      const line = this.pending.slice(0, newline).replace(/\r$/, "");
      this.pending = this.pending.slice(newline + 1);
      if (line.startsWith("data:")) this.data(line.slice(5).trim());
      newline = this.pending.indexOf("\n");
    }
  }

  end(): void {
    this.pending += this.decoder.decode();
    if (this.sse) {
      if (this.pending.startsWith("data:")) this.data(this.pending.slice(5).trim());
    } else {
      const usage = (parseJson(this.pending) as { usage?: unknown } | undefined)?.usage;
      if (this.api === "responses") this.addResponses(usage);
      else this.addMessages(usage, true);
    }
    this.pending = "";
  }

  private data(text: string): void {
    const event = parseJson(text) as
      { type?: string; response?: { usage?: unknown }; message?: { usage?: unknown }; usage?: unknown } | undefined;
    if (event?.type === undefined) return;
    if (this.api === "responses") {
      if (RESPONSES_TERMINAL.has(event.type)) this.addResponses(event.response?.usage);
    } else if (event.type === "message_start") {
      this.messageOutput = 0;
      this.addMessages(event.message?.usage, true);
    } else if (event.type === "message_delta") {
      this.addMessages(event.usage, false);
    }
  }

  private addResponses(raw: unknown): void {
    const usage = responsesUsage.safeParse(raw);
    if (!usage.success) return;
    const { input_tokens, output_tokens, total_tokens } = usage.data;
    this.usage.inputTokens += input_tokens;
    this.usage.outputTokens += output_tokens;
    this.usage.totalTokens += total_tokens ?? input_tokens + output_tokens;
  }

  private addMessages(raw: unknown, withInput: boolean): void {
    const usage = messagesUsage.safeParse(raw);
    if (!usage.success) return;
    const u = usage.data;
    const input = withInput ? (u.input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0) + (u.cache_read_input_tokens ?? 0) : 0;
    // A delta without input counts reports input again on some servers: only message_start's is counted.
    const output = Math.max(0, (u.output_tokens ?? this.messageOutput) - this.messageOutput);
    this.messageOutput += output;
    this.usage.inputTokens += input;
    this.usage.outputTokens += output;
    this.usage.totalTokens += input + output;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

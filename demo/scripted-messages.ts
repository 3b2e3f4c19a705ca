// A scripted stand-in for the Anthropic Messages API, so the real Claude Code CLI can be driven offline
// (tests, the demo), as scripted-model.ts does for codex and the Responses API. It answers
// `POST /v1/messages` (Claude adds `?beta=true`) with the Server-Sent Events the real API streams, and the
// `HEAD /` probe Claude may send first.
//
// Stateless like its sibling: the next step is chosen by counting the `tool_result` blocks Claude already
// sends back in `messages`, so a retried request gets the same answer and several runs can share one model.
// Requests without tools (side calls, none expected with CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1) get a
// short text and are not steps.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";

export type MessagesStep =
  /** A tool call (Bash, Read, Write, Edit, StructuredOutput…), optionally after some text. */
  | { kind: "tool"; name: string; input: Record<string, unknown>; text?: string }
  /** Final text: the turn ends (end_turn). */
  | { kind: "text"; text: string }
  /** Accept the request, send message_start, never finish the stream. */
  | { kind: "hang" }
  | { kind: "http-error"; status: number }
  /** A 200 whose body is not an SSE stream of the Messages API. */
  | { kind: "garbage" };

/** Bash tool call: what a shell-using agent sends. */
export const bash = (command: string): MessagesStep => ({ kind: "tool", name: "Bash", input: { command, description: "scripted" } });
/** Write tool call (a file path relative to nothing: Claude wants absolute paths). */
export const write = (file_path: string, content: string): MessagesStep => ({ kind: "tool", name: "Write", input: { file_path, content } });
/** The structured final answer when the CLI ran with --json-schema. */
export const structured = (answer: object): MessagesStep => ({ kind: "tool", name: "StructuredOutput", input: { ...answer } });

export interface RecordedMessagesRequest {
  url: string;
  headers: http.IncomingHttpHeaders;
  // The request body is whatever Claude sends; it is recorded verbatim for assertions.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  /** The text of every tool_result block so far, in order: the outputs of the earlier steps. */
  toolResults: string[];
}

export type MessagesScript = MessagesStep[] | ((req: RecordedMessagesRequest) => MessagesStep[]);

export interface ScriptedMessages {
  /** `http://127.0.0.1:PORT`: what ANTHROPIC_BASE_URL (or the key proxy's upstream) is set to. */
  baseUrl: string;
  requests: RecordedMessagesRequest[];
  heads: number;
  setScript(script: MessagesScript): void;
  close(): Promise<void>;
}

export async function startScriptedMessages(script?: MessagesScript): Promise<ScriptedMessages> {
  let current: MessagesScript = script ?? [{ kind: "text", text: "done" }];
  const requests: RecordedMessagesRequest[] = [];
  const open = new Set<http.ServerResponse>();
  const state = { heads: 0 };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const pathname = (req.url ?? "").split("?")[0] ?? "";
      if (req.method === "HEAD") {
        state.heads += 1;
        res.writeHead(200);
        return res.end();
      }
      if (req.method !== "POST" || !/\/v1\/messages$/.test(pathname)) {
        return sendError(res, 404, `scripted messages: no route for ${req.method} ${req.url}`);
      }
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        return sendError(res, 400, "scripted messages: request body is not JSON");
      }
      const recorded: RecordedMessagesRequest = { url: req.url ?? "", headers: req.headers, body, toolResults: toolResultsOf(body) };
      requests.push(recorded);
      const hasTools = Array.isArray((body as { tools?: unknown[] }).tools) && (body as { tools: unknown[] }).tools.length > 0;
      const steps = typeof current === "function" ? current(recorded) : current;
      const step: MessagesStep | undefined = hasTools ? steps[recorded.toolResults.length] : { kind: "text", text: "ok" };
      answer(res, step, recorded, open);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    get heads() {
      return state.heads;
    },
    setScript(next) {
      current = next;
    },
    async close() {
      for (const res of open) res.destroy();
      open.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function toolResultsOf(body: unknown): string[] {
  const messages = (body as { messages?: unknown })?.messages;
  if (!Array.isArray(messages)) return [];
  const out: string[] = [];
  for (const message of messages as { content?: unknown }[]) {
    if (!Array.isArray(message?.content)) continue;
    for (const block of message.content as { type?: string; content?: unknown }[]) {
      if (block?.type === "tool_result") out.push(resultText(block.content));
    }
  }
  return out;
}

// tool_result content is a string or a list of blocks ({type:"text", text}).
function resultText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((b: { text?: unknown }) => (typeof b?.text === "string" ? b.text : "")).join("");
  return content === undefined ? "" : JSON.stringify(content);
}

function answer(
  res: http.ServerResponse,
  step: MessagesStep | undefined,
  req: RecordedMessagesRequest,
  open: Set<http.ServerResponse>,
): void {
  if (step?.kind === "http-error") return sendError(res, step.status, `scripted messages: HTTP ${step.status} as scripted`);
  if (step === undefined) return sendError(res, 500, `scripted messages: the script has no step ${req.toolResults.length + 1}`);
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  if (step.kind === "garbage") {
    res.end("this is not an event stream\n\n{]\n");
    return;
  }
  const send = (type: string, data: object) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  const inputTokens = Math.max(1, Math.ceil(JSON.stringify(req.body ?? "").length / 4));
  const model = typeof req.body?.model === "string" ? req.body.model : "claude-test";
  send("message_start", {
    message: {
      id: `msg_${randomUUID().replace(/-/g, "").slice(0, 20)}`,
      type: "message",
      role: "assistant",
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: inputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1 },
    },
  });
  if (step.kind === "hang") {
    open.add(res);
    res.on("close", () => open.delete(res));
    return;
  }
  let index = 0;
  let outputChars = 0;
  const text = step.text;
  if (text !== undefined) {
    send("content_block_start", { index, content_block: { type: "text", text: "" } });
    send("content_block_delta", { index, delta: { type: "text_delta", text } });
    send("content_block_stop", { index });
    outputChars += text.length;
    index += 1;
  }
  if (step.kind === "tool") {
    const id = `toolu_${String(req.toolResults.length + 1).padStart(2, "0")}${randomUUID().replace(/-/g, "").slice(0, 16)}`;
    const json = JSON.stringify(step.input);
    send("content_block_start", { index, content_block: { type: "tool_use", id, name: step.name, input: {} } });
    send("content_block_delta", { index, delta: { type: "input_json_delta", partial_json: json } });
    send("content_block_stop", { index });
    outputChars += json.length;
  }
  const outputTokens = Math.max(1, Math.ceil(outputChars / 4));
  send("message_delta", {
    delta: { stop_reason: step.kind === "tool" ? "tool_use" : "end_turn", stop_sequence: null },
    usage: { output_tokens: outputTokens },
  });
  send("message_stop", {});
  res.end();
}

function sendError(res: http.ServerResponse, status: number, message: string): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify({ type: "error", error: { type: status >= 500 ? "api_error" : "invalid_request_error", message } }));
}

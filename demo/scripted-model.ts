// A scripted stand-in for the OpenAI Responses API, so the real Codex CLI can be driven offline (tests, the
// `demo` command). It answers `POST /v1/responses` with Server-Sent Events the way the real API does.
//
// It is stateless on purpose: the next step is chosen by counting the tool outputs
// (`function_call_output` / `custom_tool_call_output`) that codex already sends back in `input`, so a
// retried request gets the same answer and several codex runs can share one model.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";

export type ScriptStep =
  | { kind: "exec"; cmd: string } // function_call exec_command {cmd}
  | { kind: "patch"; patch: string } // custom_tool_call apply_patch ("*** Begin Patch" … "*** End Patch")
  | { kind: "message"; text: string } // final assistant message (JSON text when codex used --output-schema)
  | { kind: "hang" } // accept the request and never answer (the stream stalls)
  | { kind: "fail"; message: string } // response.failed
  | { kind: "http-error"; status: number };

export interface RecordedRequest {
  /** The Authorization header as received (to prove which credential reached the model). */
  authorization?: string;
  // The request body is whatever codex sends; it is recorded verbatim for assertions.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  /** Outputs of the earlier steps, in order, as codex reported them back to the model. */
  toolOutputs: string[];
}

export type Script = ScriptStep[] | ((req: RecordedRequest) => ScriptStep[]);

export interface ScriptedModel {
  /** `http://127.0.0.1:PORT/v1`: what a Responses API client uses as its base URL. */
  baseUrl: string;
  requests: RecordedRequest[];
  setScript(script: Script): void;
  close(): Promise<void>;
}

const TOOL_OUTPUT_TYPES = new Set(["function_call_output", "custom_tool_call_output"]);

/** Starts the stand-in on a random loopback port. Without a script it answers every turn with "done". */
export async function startScriptedModel(script?: Script): Promise<ScriptedModel> {
  let current: Script = script ?? [{ kind: "message", text: "done" }];
  const requests: RecordedRequest[] = [];
  // Hung responses stay open until close(): they must not keep the process or the port alive.
  const open = new Set<http.ServerResponse>();
  let counter = 0;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = (req.url ?? "").split("?")[0];
      if (req.method !== "POST" || !/\/v1\/responses\/?$/.test(path ?? "")) {
        return sendJsonError(res, 404, `scripted model: no route for ${req.method} ${req.url}`);
      }
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        return sendJsonError(res, 400, "scripted model: request body is not JSON");
      }
      const recorded: RecordedRequest = {
        authorization: req.headers.authorization,
        body,
        toolOutputs: toolOutputsOf(body),
      };
      requests.push(recorded);
      const steps = typeof current === "function" ? current(recorded) : current;
      const step = steps[recorded.toolOutputs.length];
      counter += 1;
      answer(res, step, recorded, `resp_${counter}_${randomUUID().slice(0, 8)}`, open);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
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

function toolOutputsOf(body: unknown): string[] {
  const input = (body as { input?: unknown })?.input;
  if (!Array.isArray(input)) return [];
  return input
    .filter((item): item is { type: string; output?: unknown } => TOOL_OUTPUT_TYPES.has(item?.type))
    .map((item) => outputText(item.output));
}

// Tool outputs arrive as a string or as a list of content parts ({type:"input_text", text}).
function outputText(output: unknown): string {
  if (typeof output === "string") return output;
  if (Array.isArray(output)) {
    return output.map((part) => (typeof part?.text === "string" ? part.text : "")).join("");
  }
  return output === undefined ? "" : JSON.stringify(output);
}

function answer(
  res: http.ServerResponse,
  step: ScriptStep | undefined,
  req: RecordedRequest,
  id: string,
  open: Set<http.ServerResponse>,
): void {
  if (step?.kind === "http-error") {
    return sendJsonError(res, step.status, `scripted model: HTTP ${step.status} as scripted`);
  }
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  const send = (type: string, data: object) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  send("response.created", { response: { id, status: "in_progress" } });

  if (step?.kind === "hang") {
    open.add(res);
    res.on("close", () => open.delete(res));
    return;
  }
  if (step === undefined || step.kind === "fail") {
    const message = step?.kind === "fail" ? step.message : `scripted model: the script has no step ${req.toolOutputs.length + 1}`;
    send("response.failed", { response: { id, status: "failed", error: { code: "server_error", message } } });
    res.end();
    return;
  }

  const item = outputItem(step, req.toolOutputs.length);
  send("response.output_item.added", { output_index: 0, item });
  send("response.output_item.done", { output_index: 0, item });
  send("response.completed", { response: { id, status: "completed", usage: usageFor(req.body, item) } });
  res.end();
}

function outputItem(step: Extract<ScriptStep, { kind: "exec" | "patch" | "message" }>, index: number): object {
  const callId = `call_${index + 1}`;
  switch (step.kind) {
    case "exec":
      return {
        type: "function_call",
        id: `fc_${index + 1}`,
        call_id: callId,
        name: "exec_command",
        arguments: JSON.stringify({ cmd: step.cmd }),
      };
    case "patch":
      return { type: "custom_tool_call", id: `ctc_${index + 1}`, call_id: callId, name: "apply_patch", input: step.patch };
    case "message":
      return {
        type: "message",
        id: `msg_${index + 1}`,
        role: "assistant",
        status: "completed",
        content: [{ type: "output_text", text: step.text, annotations: [] }],
      };
  }
}

// Plausible counts (about four characters a token) so that token metering and budgets can be tested.
function usageFor(body: unknown, item: object): object {
  const inputTokens = Math.max(1, Math.ceil(JSON.stringify(body ?? "").length / 4));
  const outputTokens = Math.max(1, Math.ceil(JSON.stringify(item).length / 4));
  return {
    input_tokens: inputTokens,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: outputTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: inputTokens + outputTokens,
  };
}

function sendJsonError(res: http.ServerResponse, status: number, message: string): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify({ error: { message, type: "scripted_error", code: `http_${status}` } }));
}

// The model key never reaches the agent. A process in codex's sandbox can read its parent's environment
// through /proc, so scrubbing the shell environment is not enough: codex itself is given only a per-job token
// for this loopback proxy, which swaps in the real key, streams the answer through untouched, meters the
// tokens each job spends and stops a job at its budget. A leaked job token is worthless once revoked.
// Because it spends the real key, it forwards only `POST /v1/responses`, with allowlisted headers and a
// bounded body (key-proxy-policy.ts): a job token cannot reach the rest of the account's API.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { readCappedBody, refuseTooLarge } from "../web/read-capped-body.js";
import { checkResponsesBody, checkRoute, MAX_REQUEST_BYTES, upstreamHeaders } from "./key-proxy-policy.js";

export interface ProxyUsage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  requests: number;
}

export interface ProxyGrant {
  /** The credential to hand to codex (as the provider's env_key variable). */
  token: string;
  usage(): ProxyUsage;
  revoke(): void;
}

export interface KeyProxy {
  /** `http://127.0.0.1:PORT/v1`: the base URL for codex's model provider. */
  baseUrl: string;
  issue(opts?: { maxTotalTokens?: number }): ProxyGrant;
  close(): Promise<void>;
}

const optionsSchema = z.object({
  upstreamBaseUrl: z.url({ protocol: /^https?$/, error: "upstreamBaseUrl must be an http(s) URL" }),
  upstreamApiKey: z.string().min(1).optional(),
});

const issueSchema = z
  .object({ maxTotalTokens: z.number().int().positive({ error: "maxTotalTokens must be a positive integer" }).optional() })
  .optional();

interface GrantState {
  usage: ProxyUsage;
  maxTotalTokens?: number;
}

// fetch decodes compressed bodies, so the length and encoding of the upstream answer no longer apply.
// Cookies the upstream sets are for the key's owner, not for the agent.
const DROPPED_RESPONSE_HEADERS = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "content-length",
  "content-encoding",
  "trailer",
  "upgrade",
  "set-cookie",
]);

export async function startKeyProxy(opts: { upstreamBaseUrl: string; upstreamApiKey?: string }): Promise<KeyProxy> {
  const parsed = optionsSchema.safeParse(opts);
  if (!parsed.success) throw new Error(`startKeyProxy: ${z.prettifyError(parsed.error)}`);
  const upstreamBase = parsed.data.upstreamBaseUrl.replace(/\/+$/, "");
  const apiKey = parsed.data.upstreamApiKey;
  // Grants are looked up by a hash of the token so the map never holds the credential itself.
  const grants = new Map<string, GrantState>();

  const server = http.createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendError(res, 502, "upstream_error", `key proxy: upstream request failed: ${errorMessage(err)}`);
      else res.destroy();
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://proxy.invalid");
    // Only the call codex makes goes upstream: anything else would be done with the real key.
    const route = checkRoute(req.method, url.pathname);
    if (!route.ok) {
      return sendError(
        res,
        route.status,
        route.status === 404 ? "not_found" : "method_not_allowed",
        route.message,
        route.allow ? { allow: route.allow } : {},
      );
    }
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
    const grant = token === undefined ? undefined : grants.get(hashToken(token));
    if (!grant) return sendError(res, 401, "invalid_proxy_token", "key proxy: unknown or revoked token");
    if (grant.maxTotalTokens !== undefined && grant.usage.totalTokens >= grant.maxTotalTokens) {
      // 429 with an OpenAI-style error body, so codex stops and reports it instead of hanging.
      return sendError(
        res,
        429,
        "budget_exceeded",
        `key proxy: token budget of ${grant.maxTotalTokens} spent (${grant.usage.totalTokens} used)`,
      );
    }

    const read = await readCappedBody(req, MAX_REQUEST_BYTES);
    if (!read.ok) {
      return refuseTooLarge(res, errorBody("request_too_large", `key proxy: request bodies are limited to ${MAX_REQUEST_BYTES} bytes`));
    }
    const bodyCheck = checkResponsesBody(read.body);
    if (!bodyCheck.ok) return sendError(res, 400, "invalid_request", bodyCheck.message);
    grant.usage.requests += 1;
    const headers = upstreamHeaders(req.headers, apiKey);

    // When codex goes away (killed, timed out) the upstream request is dropped too.
    const abort = new AbortController();
    res.on("close", () => abort.abort());
    // The query string is not forwarded: the Responses call takes none.
    const upstream = await fetch(`${upstreamBase}${url.pathname.slice(3)}`, {
      method: req.method,
      headers,
      body: new Uint8Array(read.body),
      signal: abort.signal,
    });

    const responseHeaders: Record<string, string> = {};
    upstream.headers.forEach((value, name) => {
      if (!DROPPED_RESPONSE_HEADERS.has(name)) responseHeaders[name] = value;
    });
    res.writeHead(upstream.status, responseHeaders);
    const meter = new UsageMeter(grant.usage, upstream.headers.get("content-type") ?? "");
    if (upstream.body) {
      for await (const chunk of upstream.body as AsyncIterable<Uint8Array>) {
        meter.feed(chunk);
        res.write(chunk);
      }
    }
    meter.end();
    res.end();
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    issue(issueOpts) {
      const checked = issueSchema.safeParse(issueOpts);
      if (!checked.success) throw new Error(`KeyProxy.issue: ${z.prettifyError(checked.error)}`);
      const token = `cdx-job-${randomBytes(24).toString("base64url")}`;
      const key = hashToken(token);
      const state: GrantState = {
        usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0, requests: 0 },
        maxTotalTokens: checked.data?.maxTotalTokens,
      };
      grants.set(key, state);
      return {
        token,
        usage: () => ({ ...state.usage }),
        revoke: () => void grants.delete(key),
      };
    },
    async close() {
      grants.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// The terminal events of a Responses stream; each may carry the usage of the whole response.
const METERED_EVENTS = new Set(["response.completed", "response.incomplete", "response.failed"]);

/** Adds the usage reported by `response.completed` (SSE) or by a plain JSON response to a grant. */
class UsageMeter {
  private readonly decoder = new TextDecoder();
  private pending = "";
  private readonly sse: boolean;

  constructor(
    private readonly usage: ProxyUsage,
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
      const json = parseJson(this.pending);
      this.add((json as { usage?: unknown } | undefined)?.usage);
    }
    this.pending = "";
  }

  private data(text: string): void {
    const event = parseJson(text) as { type?: string; response?: { usage?: unknown } } | undefined;
    if (event?.type !== undefined && METERED_EVENTS.has(event.type)) this.add(event.response?.usage);
  }

  private add(raw: unknown): void {
    const usage = z
      .object({ input_tokens: z.number().nonnegative(), output_tokens: z.number().nonnegative(), total_tokens: z.number().optional() })
      .safeParse(raw);
    if (!usage.success) return;
    const { input_tokens, output_tokens, total_tokens } = usage.data;
    this.usage.inputTokens += input_tokens;
    this.usage.outputTokens += output_tokens;
    this.usage.totalTokens += total_tokens ?? input_tokens + output_tokens;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

function sendError(res: http.ServerResponse, status: number, code: string, message: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...extra });
  res.end(errorBody(code, message));
}

/** An OpenAI-style error, which codex reports as the reason a turn failed. */
function errorBody(code: string, message: string): string {
  return JSON.stringify({ error: { message, type: code, code } });
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

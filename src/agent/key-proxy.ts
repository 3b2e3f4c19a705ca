// The model key never reaches the agent. A process in codex's sandbox can read its parent's environment
// through /proc, so scrubbing the shell environment is not enough: codex itself is given only a per-job token
// for this loopback proxy, which swaps in the real key, streams the answer through untouched, meters the
// tokens each job spends and stops a job at its budget. A leaked job token is worthless once revoked.
// It serves both agents: codex's Responses calls go to the OpenAI upstream, Claude's Messages calls to the
// Anthropic one, each with its own real key, which only the proxy holds. Because it spends the real keys, it
// forwards only `POST /v1/responses` and `POST /v1/messages`, with allowlisted headers and a bounded body
// (key-proxy-policy.ts): a job token cannot reach the rest of either account's API.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { readCappedBody, refuseTooLarge } from "../web/read-capped-body.js";
import { checkRequestBody, checkRoute, MAX_REQUEST_BYTES, upstreamHeaders } from "./key-proxy-policy.js";
import { UsageMeter, type ProxyUsage } from "./key-proxy-meter.js";
import {
  BudgetLedger,
  budgetMessage,
  grantBudgetSchema,
  type BudgetedGrant,
  type BudgetStop,
  type GrantBudget,
} from "./key-proxy-budget.js";

export type { ProxyUsage } from "./key-proxy-meter.js";
export type { BudgetName, BudgetStop, DayScope, GrantBudget } from "./key-proxy-budget.js";

export interface ProxyGrant {
  /** The credential to hand to the agent (codex: the provider's env_key variable; Claude: ANTHROPIC_API_KEY). */
  token: string;
  usage(): ProxyUsage;
  /** The budget that refused one of the grant's calls (`stoppedBy: "budget:<which>"`), or null. */
  stoppedBy(): BudgetStop | null;
  /** The budget that would refuse the grant's next call (the grant is then stopped by it), or null. */
  check(): BudgetStop | null;
  revoke(): void;
}

export interface KeyProxy {
  /** `http://127.0.0.1:PORT/v1`: the base URL for codex's model provider. */
  baseUrl: string;
  /** `http://127.0.0.1:PORT`: ANTHROPIC_BASE_URL for Claude Code (it appends `/v1/messages` itself). */
  anthropicBaseUrl: string;
  /** A grant with its limits: `maxTotalTokens` (the same as `budget.jobTokens`) and the day budgets it shares. */
  issue(opts?: { maxTotalTokens?: number; budget?: GrantBudget }): ProxyGrant;
  close(): Promise<void>;
}

const optionsSchema = z.object({
  upstreamBaseUrl: z.url({ protocol: /^https?$/, error: "upstreamBaseUrl must be an http(s) URL" }),
  upstreamApiKey: z.string().min(1).optional(),
  anthropic: z
    .object({
      upstreamBaseUrl: z.url({ protocol: /^https?$/, error: "anthropic.upstreamBaseUrl must be an http(s) URL" }),
      upstreamApiKey: z.string().min(1).optional(),
    })
    .optional(),
});

export interface KeyProxyOptions {
  /** The OpenAI Responses API base, with its `/v1` (e.g. https://api.openai.com/v1). */
  upstreamBaseUrl: string;
  upstreamApiKey?: string;
  /** The Anthropic Messages API base, without `/v1` (e.g. https://api.anthropic.com). Absent: Messages calls get 404. */
  anthropic?: { upstreamBaseUrl: string; upstreamApiKey?: string };
}

const issueSchema = z
  .object({
    maxTotalTokens: z.number().int().positive({ error: "maxTotalTokens must be a positive integer" }).optional(),
    budget: grantBudgetSchema.optional(),
  })
  .optional();

type GrantState = BudgetedGrant;

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

export async function startKeyProxy(opts: KeyProxyOptions): Promise<KeyProxy> {
  const parsed = optionsSchema.safeParse(opts);
  if (!parsed.success) throw new Error(`startKeyProxy: ${z.prettifyError(parsed.error)}`);
  const upstreamBase = parsed.data.upstreamBaseUrl.replace(/\/+$/, "");
  const apiKey = parsed.data.upstreamApiKey;
  const anthropic = parsed.data.anthropic && {
    base: parsed.data.anthropic.upstreamBaseUrl.replace(/\/+$/, ""),
    apiKey: parsed.data.anthropic.upstreamApiKey,
  };
  // Grants are looked up by a hash of the token so the map never holds the credential itself.
  const grants = new Map<string, GrantState>();
  const ledger = new BudgetLedger();

  const server = http.createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendError(res, 502, "upstream_error", `key proxy: upstream request failed: ${errorMessage(err)}`);
      else res.destroy();
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://proxy.invalid");
    // Claude Code may probe its base URL before the first call: answered here, it reaches no upstream.
    if (req.method === "HEAD" && url.pathname === "/") {
      res.writeHead(200);
      return void res.end();
    }
    // Only the calls the agents make go upstream: anything else would be done with a real key.
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
    if (route.api === "messages" && !anthropic)
      return sendError(res, 404, "not_found", "key proxy: no Messages API upstream is configured");
    // codex sends its token as a bearer token, Claude as `x-api-key` (ANTHROPIC_API_KEY).
    const xApiKey = req.headers["x-api-key"];
    const token =
      /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1] ??
      (typeof xApiKey === "string" && xApiKey !== "" ? xApiKey : undefined);
    const grant = token === undefined ? undefined : grants.get(hashToken(token));
    if (!grant) return sendError(res, 401, "invalid_proxy_token", "key proxy: unknown or revoked token");
    const stop = ledger.check(grant);
    if (stop) {
      // 429 with an error body both clients read, so the agent stops and reports it instead of hanging;
      // `x-should-retry: false` tells the Anthropic SDK (Claude Code) not to retry, as codex is told in its config.
      return sendError(res, 429, "budget_exceeded", budgetMessage(stop), { "x-should-retry": "false" });
    }

    const read = await readCappedBody(req, MAX_REQUEST_BYTES);
    if (!read.ok) {
      return refuseTooLarge(res, errorBody("request_too_large", `key proxy: request bodies are limited to ${MAX_REQUEST_BYTES} bytes`));
    }
    const bodyCheck = checkRequestBody(read.body, route.api);
    if (!bodyCheck.ok) return sendError(res, 400, "invalid_request", bodyCheck.message);
    grant.usage.requests += 1;
    const headers = upstreamHeaders(req.headers, route.api === "messages" ? anthropic?.apiKey : apiKey, route.api);

    // When codex goes away (killed, timed out) the upstream request is dropped too.
    const abort = new AbortController();
    res.on("close", () => abort.abort());
    // The query string is not forwarded (the Responses call takes none), but for Claude's `?beta=true`.
    const target =
      route.api === "messages"
        ? `${anthropic?.base}/v1/messages${url.searchParams.get("beta") === "true" ? "?beta=true" : ""}`
        : `${upstreamBase}${url.pathname.slice(3)}`;
    const upstream = await fetch(target, {
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
    const meter = new UsageMeter(grant.usage, route.api, upstream.headers.get("content-type") ?? "");
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
    anthropicBaseUrl: `http://127.0.0.1:${port}`,
    issue(issueOpts) {
      const checked = issueSchema.safeParse(issueOpts);
      if (!checked.success) throw new Error(`KeyProxy.issue: ${z.prettifyError(checked.error)}`);
      const token = `cdx-job-${randomBytes(24).toString("base64url")}`;
      const key = hashToken(token);
      const budget = { ...checked.data?.budget };
      if (checked.data?.maxTotalTokens !== undefined)
        budget.jobTokens = Math.min(budget.jobTokens ?? Infinity, checked.data.maxTotalTokens);
      const state = ledger.open({ inputTokens: 0, outputTokens: 0, totalTokens: 0, requests: 0 }, budget);
      grants.set(key, state);
      return {
        token,
        usage: () => ({ ...state.usage }),
        stoppedBy: () => (state.stop ? { ...state.stop } : null),
        check: () => ledger.check(state),
        revoke: () => {
          grants.delete(key);
          ledger.close(state);
        },
      };
    },
    async close() {
      grants.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

function sendError(res: http.ServerResponse, status: number, code: string, message: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...extra });
  res.end(errorBody(code, message));
}

/**
 * An error both clients read: OpenAI's shape (`error.message`, `error.code`), which codex reports as the reason a
 * turn failed, with Anthropic's top-level `type: "error"`, which Claude Code reports the same way.
 */
function errorBody(code: string, message: string): string {
  return JSON.stringify({ type: "error", error: { message, type: code, code } });
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

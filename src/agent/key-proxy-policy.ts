// What the key proxy lets through to the real model API. The proxy holds the real key, so anything it
// forwards is done with the operator's account: only the one call each agent makes is allowed (codex: Responses,
// Claude: Messages), with only the headers that call needs, and a body of bounded size.
import type { IncomingHttpHeaders } from "node:http";
import { z } from "zod";

/** Which model API a route belongs to: it decides the upstream, the credential header and how usage is read. */
export type ModelApi = "responses" | "messages";

/**
 * The routes forwarded upstream. codex 0.169 with our custom provider (wire_api="responses") only ever
 * calls `POST /v1/responses`: it does not list models (that refresh is for the built-in OpenAI provider)
 * and does not use remote compaction. Claude Code 2.1.332 only calls `POST /v1/messages?beta=true` (no
 * count_tokens, no model list; its `HEAD /` probe is answered by the proxy itself). Both checked by
 * recording real runs against the scripted stand-ins.
 */
const ROUTES: ReadonlyMap<string, { methods: readonly string[]; api: ModelApi }> = new Map([
  ["/v1/responses", { methods: ["POST"], api: "responses" as const }],
  ["/v1/messages", { methods: ["POST"], api: "messages" as const }],
]);

export type RouteCheck = { ok: true; api: ModelApi } | { ok: false; status: 404 | 405; allow?: string; message: string };

export function checkRoute(method: string | undefined, pathname: string): RouteCheck {
  const route = ROUTES.get(pathname);
  if (!route) return { ok: false, status: 404, message: `key proxy: no route for ${pathname}` };
  if (!route.methods.includes(method ?? "")) {
    return { ok: false, status: 405, allow: route.methods.join(", "), message: `key proxy: ${method} is not allowed on ${pathname}` };
  }
  return { ok: true, api: route.api };
}

/**
 * A Responses request is at most a few hundred KiB of conversation (a run's transcript plus tool outputs);
 * 8 MiB leaves room for long logs while bounding what one request can make the proxy hold.
 */
export const MAX_REQUEST_BYTES = 8 * 1024 * 1024;

/**
 * Request headers passed upstream: the body's type, and the codex client headers the real binary sends that
 * describe the request (who the client is, which session and turn it belongs to, beta features it speaks).
 * Everything else is dropped: `openai-organization` / `openai-project` would bill (or reach) another
 * organisation or project of the key's owner, and cookies or unknown headers have no business upstream.
 * `x-codex-turn-metadata` is dropped too: it carries local paths and installation ids the API does not need.
 */
const FORWARDED_REQUEST_HEADERS = new Set([
  "content-type",
  "accept",
  "user-agent",
  "originator",
  "version",
  "openai-beta",
  "session_id",
  "session-id",
  "thread-id",
  "x-client-request-id",
  "x-codex-window-id",
  "x-codex-beta-features",
]);

/**
 * The same for the Messages API, as Claude Code 2.1.332 sends them (recorded): the API version and beta
 * features it speaks, the client's description of itself and of this request (SDK retry count, timeout) and
 * its session id. Dropped: `x-api-key` and `authorization` (the job token; the proxy sets the real key),
 * `anthropic-dangerous-direct-browser-access` (a browser CORS switch with no meaning here), and anything
 * unknown.
 */
const FORWARDED_MESSAGES_HEADERS = new Set([
  "content-type",
  "accept",
  "user-agent",
  "anthropic-version",
  "anthropic-beta",
  "x-app",
  "x-claude-code-session-id",
  "x-stainless-arch",
  "x-stainless-lang",
  "x-stainless-os",
  "x-stainless-package-version",
  "x-stainless-retry-count",
  "x-stainless-runtime",
  "x-stainless-runtime-version",
  "x-stainless-timeout",
]);

/**
 * The upstream request headers: the allowlisted client headers plus the proxy's own credential, which goes
 * where each API wants it (`Authorization: Bearer` for OpenAI, `x-api-key` for Anthropic).
 */
export function upstreamHeaders(incoming: IncomingHttpHeaders, apiKey: string | undefined, api: ModelApi = "responses"): Headers {
  const headers = new Headers();
  const allowed = api === "messages" ? FORWARDED_MESSAGES_HEADERS : FORWARDED_REQUEST_HEADERS;
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined || !allowed.has(name)) continue;
    headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  // fetch would otherwise ask for compression; the meter reads the stream as it passes.
  headers.set("accept-encoding", "identity");
  if (apiKey && api === "messages") headers.set("x-api-key", apiKey);
  else if (apiKey) headers.set("authorization", `Bearer ${apiKey}`);
  return headers;
}

/**
 * The body must be a JSON object, and must not ask for a background response: that answers at once with no
 * usage and runs (and bills) on the upstream afterwards, where the proxy never sees what it spent.
 */
const responsesBody = z.looseObject({
  background: z.literal(false, { error: "background responses are not allowed: their usage cannot be metered" }).optional().nullable(),
});

export function checkRequestBody(body: Buffer, api: ModelApi = "responses"): { ok: true } | { ok: false; message: string } {
  let json: unknown;
  try {
    json = JSON.parse(body.toString("utf8"));
  } catch {
    return { ok: false, message: "key proxy: the request body is not JSON" };
  }
  // A Messages request has no background mode (batches are another route, not allowed): any object will do.
  const parsed = (api === "responses" ? responsesBody : z.looseObject({})).safeParse(json);
  if (!parsed.success) return { ok: false, message: `key proxy: ${parsed.error.issues.map((i) => i.message).join("; ")}` };
  return { ok: true };
}

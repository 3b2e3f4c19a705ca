// What the key proxy lets through to the real model API. The proxy holds the real key, so anything it
// forwards is done with the operator's account: only the one call codex makes is allowed, with only the
// headers that call needs, and a body of bounded size.
import type { IncomingHttpHeaders } from "node:http";
import { z } from "zod";

/**
 * The routes forwarded upstream. codex 0.169 with our custom provider (wire_api="responses") only ever
 * calls `POST /v1/responses`: it does not list models (that refresh is for the built-in OpenAI provider)
 * and does not use remote compaction. Checked by recording a real run against the scripted model.
 */
const ROUTES: ReadonlyMap<string, readonly string[]> = new Map([["/v1/responses", ["POST"]]]);

export type RouteCheck = { ok: true } | { ok: false; status: 404 | 405; allow?: string; message: string };

export function checkRoute(method: string | undefined, pathname: string): RouteCheck {
  const methods = ROUTES.get(pathname);
  if (!methods) return { ok: false, status: 404, message: `key proxy: no route for ${pathname}` };
  if (!methods.includes(method ?? "")) {
    return { ok: false, status: 405, allow: methods.join(", "), message: `key proxy: ${method} is not allowed on ${pathname}` };
  }
  return { ok: true };
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

/** The upstream request headers: the allowlisted client headers plus the proxy's own credential. */
export function upstreamHeaders(incoming: IncomingHttpHeaders, apiKey: string | undefined): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined || !FORWARDED_REQUEST_HEADERS.has(name)) continue;
    headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  // fetch would otherwise ask for compression; the meter reads the stream as it passes.
  headers.set("accept-encoding", "identity");
  if (apiKey) headers.set("authorization", `Bearer ${apiKey}`);
  return headers;
}

/**
 * The body must be a JSON object, and must not ask for a background response: that answers at once with no
 * usage and runs (and bills) on the upstream afterwards, where the proxy never sees what it spent.
 */
const responsesBody = z.looseObject({
  background: z.literal(false, { error: "background responses are not allowed: their usage cannot be metered" }).optional().nullable(),
});

export function checkResponsesBody(body: Buffer): { ok: true } | { ok: false; message: string } {
  let json: unknown;
  try {
    json = JSON.parse(body.toString("utf8"));
  } catch {
    return { ok: false, message: "key proxy: the request body is not JSON" };
  }
  const parsed = responsesBody.safeParse(json);
  if (!parsed.success) return { ok: false, message: `key proxy: ${parsed.error.issues.map((i) => i.message).join("; ")}` };
  return { ok: true };
}

// Access to /dashboard: one shared secret, DASHBOARD_TOKEN. A viewer sends it once (`Authorization: Bearer …`, or
// `?token=…` in a link), and a browser then keeps a session cookie: HttpOnly (no script reads it), SameSite=Strict
// (no other site's page can make the browser send it), scoped to /dashboard. The cookie holds an HMAC of the token,
// not the token, and a `?token=` URL is answered with a redirect to the same URL without it, so the secret leaves
// the address bar, the history and any Referer at once. Comparisons are constant-time.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";

export const SESSION_COOKIE = "cd_dashboard";
const SESSION_SECONDS = 7 * 24 * 3600;

/** Equal strings of any length, in time that depends only on their digests (no early exit on the first byte). */
export function sameSecret(a: string, b: string): boolean {
  const da = createHash("sha256").update(a).digest();
  const db = createHash("sha256").update(b).digest();
  return timingSafeEqual(da, db);
}

/** What the cookie holds: derived from the token, useless as a token elsewhere (/mcp, a Bearer header). */
export function sessionValue(token: string): string {
  return createHmac("sha256", token).update("codex-dispatch dashboard session v1").digest("base64url");
}

export type AuthDecision =
  | { kind: "ok" }
  | { kind: "refused" }
  /** The token came in the URL and is right: set the cookie and send the browser to `location` (token removed). */
  | { kind: "sign-in"; location: string; cookie: string };

function cookieOf(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return v.join("=");
  }
  return undefined;
}

/** Over TLS directly or behind a proxy that says so: then the cookie is Secure too. */
function isHttps(req: IncomingMessage): boolean {
  return (req.socket as { encrypted?: boolean }).encrypted === true || req.headers["x-forwarded-proto"] === "https";
}

export function authorize(req: IncomingMessage, url: URL, token: string): AuthDecision {
  const fromUrl = url.searchParams.get("token");
  if (fromUrl !== null) {
    if (!sameSecret(fromUrl, token)) return { kind: "refused" };
    const clean = new URL(url);
    clean.searchParams.delete("token");
    const cookie = [
      `${SESSION_COOKIE}=${sessionValue(token)}`,
      "Path=/dashboard",
      "HttpOnly",
      "SameSite=Strict",
      `Max-Age=${SESSION_SECONDS}`,
      ...(isHttps(req) ? ["Secure"] : []),
    ].join("; ");
    return { kind: "sign-in", location: clean.pathname + clean.search, cookie };
  }
  const header = req.headers.authorization;
  if (header !== undefined) {
    const m = /^Bearer\s+(.+)$/i.exec(header.trim());
    return m && sameSecret(m[1], token) ? { kind: "ok" } : { kind: "refused" };
  }
  const session = cookieOf(req, SESSION_COOKIE);
  if (session !== undefined && sameSecret(session, sessionValue(token))) return { kind: "ok" };
  return { kind: "refused" };
}

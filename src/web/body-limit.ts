// The webhook path is open to anyone: @octokit/webhooks reads the whole body into memory before it checks the
// signature, so an unsigned 400 MiB POST made the process hold 400 MiB (and more while concatenating it).
// GitHub never sends more than 25 MB, so anything longer is refused: at once when Content-Length says so,
// and as soon as a chunked body passes the cap.
//
// Probot's server runs its webhook middleware before any handler an app adds with addHandler, so a guard
// added that way would come too late. Instead the app wraps the Probot's own middleware factory, which the
// server calls once at start: the guard reads the body (capped) and hands it to the middleware already read,
// the way @octokit/webhooks accepts a body a framework has parsed (`request.body` as a string).
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Probot } from "probot";
import { readCappedBody, refuseTooLarge } from "./read-capped-body.js";

/** GitHub caps webhook payloads at 25 MB; 25 MiB leaves a little room. */
export const MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;

const decoder = new TextDecoder("utf-8", { fatal: false });

type WebhookMiddleware = Awaited<ReturnType<Probot["getNodeMiddleware"]>>;

/** Makes the webhook middleware that `app` serves refuse bodies over `maxBytes` before it reads them. */
export function limitWebhookBodies(app: Probot, maxBytes = MAX_WEBHOOK_BYTES): void {
  const getNodeMiddleware = app.getNodeMiddleware.bind(app);
  app.getNodeMiddleware = async (options) => {
    const middleware = await getNodeMiddleware(options);
    const webhookPath = withoutTrailingSlashes(options?.path ?? app.webhookPath);
    const guarded: WebhookMiddleware = async (req: IncomingMessage & { body?: unknown }, res?: ServerResponse, next?) => {
      if (res && req.method === "POST" && isPath(req.url, webhookPath)) {
        let read;
        try {
          read = await readCappedBody(req, maxBytes);
        } catch {
          // The client went away mid-body: there is no one to answer.
          res.destroy();
          return true;
        }
        if (!read.ok) {
          refuseTooLarge(res, JSON.stringify({ error: `Webhook payloads are limited to ${maxBytes} bytes` }));
          return true;
        }
        // Decoded exactly as @octokit/webhooks decodes a body it reads itself, so the signature still matches.
        req.body = decoder.decode(read.body);
      }
      return middleware(req, res, next);
    };
    return guarded;
  };
}

// The same path matching as @octokit/webhooks (trailing slashes ignored), so every request the middleware
// would read passes through the guard first.
function isPath(url: string | undefined, webhookPath: string): boolean {
  try {
    return withoutTrailingSlashes(new URL(url ?? "/", "http://localhost").pathname) === webhookPath;
  } catch {
    return false;
  }
}

function withoutTrailingSlashes(path: string): string {
  return path.replace(/\/+$/, "") || "/";
}

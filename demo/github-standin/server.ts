import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { StandInCore } from "./core.js";
import { HttpError, type Reply, type Router } from "./http-kit.js";

/** A fault a test asks for: the next `times` requests matching answer `status` instead. */
export interface InjectedFault {
  method: string;
  path: RegExp;
  status: number;
  times: number;
  headers?: Record<string, string>;
  /** The error's message (default "stand-in: injected <status>"), e.g. GitHub's "You have exceeded a secondary rate limit". */
  message?: string;
  /**
   * Serve the request first, then answer the fault: GitHub did the write (a comment exists) but the client hears
   * a 502, as when a proxy times out in front of a slow but successful request.
   */
  afterHandling?: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  status: number;
  /** When the answer was sent (ms since the epoch): how long a client waited between two tries. */
  at: number;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, "Problems parsing JSON");
  }
}

function send(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { "x-github-request-id": "STANDIN", ...reply.headers };
  if (reply.body === undefined) {
    res.writeHead(reply.status, headers).end();
  } else if (Buffer.isBuffer(reply.body)) {
    res.writeHead(reply.status, { "content-type": "application/octet-stream", ...headers }).end(reply.body);
  } else {
    res.writeHead(reply.status, { "content-type": "application/json; charset=utf-8", ...headers }).end(JSON.stringify(reply.body));
  }
}

/**
 * The HTTP front of the stand-in: strips the /api/v3 prefix GHE clients use, requires an Authorization
 * header on every API route (and refuses one on /_blobs/, which stands for a host that must never see the
 * token), records every request, and answers unknown routes with GitHub's 404.
 */
export function createStandInServer(
  core: StandInCore,
  router: Router,
  serveBlob: (token: string) => Reply,
  requests: RecordedRequest[],
  faults: InjectedFault[] = [],
): Server {
  return createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://stand-in");
    const method = req.method ?? "GET";
    const finish = (reply: Reply) => {
      requests.push({ method, path: url.pathname + url.search, status: reply.status, at: Date.now() });
      send(res, reply);
    };
    void (async (): Promise<Reply> => {
      if (url.pathname.startsWith("/_blobs/")) {
        if (req.headers.authorization) return { status: 400, body: { message: "Authorization must not be sent to the blob host" } };
        return serveBlob(url.pathname.slice("/_blobs/".length));
      }
      const path = url.pathname.replace(/^\/api\/v3(?=\/|$)/, "") || "/";
      const fault = faults.find((f) => f.times > 0 && f.method === method && f.path.test(path));
      if (fault) fault.times -= 1;
      const injected = (f: InjectedFault): Reply => ({
        status: f.status,
        body: { message: f.message ?? `stand-in: injected ${f.status}` },
        headers: f.headers,
      });
      if (fault && !fault.afterHandling) return injected(fault);
      const found = router.match(method, path);
      if (!found) return { status: 404, body: { message: "Not Found", documentation_url: "https://docs.github.com/rest" } };
      if (!req.headers.authorization) return { status: 401, body: { message: "Requires authentication" } };
      const body = await readBody(req);
      const reply = await found.handler({
        method,
        path,
        params: found.params,
        query: url.searchParams,
        body,
        headers: req.headers,
        apiBase: core.apiBase(),
        origin: core.origin(),
      });
      return fault ? injected(fault) : reply;
    })()
      .catch((error: unknown) =>
        error instanceof HttpError
          ? { status: error.status, body: { message: error.message, documentation_url: "https://docs.github.com/rest" } }
          : { status: 500, body: { message: `stand-in error: ${error instanceof Error ? error.message : String(error)}` } },
      )
      .then(finish);
  });
}

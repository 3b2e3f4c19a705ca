// /dashboard on the web role (mounted in main.ts like /mcp): jobs, charts and live timelines, server-rendered.
// Off (404) without DASHBOARD_TOKEN; 401 without the token or its session cookie (auth.ts). Every page forbids
// inline script and any other origin (CSP), is never cached and sends no Referer.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Database } from "../../jobs/db.js";
import { LIVE_SCRIPT, STYLE } from "./assets.js";
import { authorize } from "./auth.js";
import { jobPage } from "./job-page.js";
import { messagePage, offPage } from "./layout.js";
import { listPage } from "./list-page.js";
import { filterFrom, findJob } from "./queries.js";
import { streamEvents, type StreamOptions } from "./sse.js";

export interface DashboardOptions {
  db: Database;
  /** DASHBOARD_TOKEN; undefined: the dashboard is off. */
  token: string | undefined;
  log?: { warn(obj: object, msg: string): void };
  stream?: StreamOptions;
}

const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
const HEADERS = {
  "content-security-policy": CSP,
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
  "cache-control": "no-store",
};

function send(res: ServerResponse, status: number, type: string, body: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...HEADERS, "content-type": type, ...extra });
  res.end(body);
}
const sendHtml = (res: ServerResponse, status: number, body: string) => send(res, status, "text/html; charset=utf-8", body);

export function dashboardRoute(o: DashboardOptions) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname !== "/dashboard" && !url.pathname.startsWith("/dashboard/")) return false;
    if (!o.token) {
      sendHtml(res, 404, offPage());
      return true;
    }
    if (req.method !== "GET") {
      send(res, 405, "text/plain; charset=utf-8", "method not allowed", { allow: "GET" });
      return true;
    }
    const auth = authorize(req, url, o.token);
    if (auth.kind === "refused") {
      send(
        res,
        401,
        "text/html; charset=utf-8",
        messagePage("sign in", "Send the dashboard token: Authorization: Bearer …, or open /dashboard?token=… once."),
        {
          "www-authenticate": 'Bearer realm="codex-dispatch dashboard"',
        },
      );
      return true;
    }
    if (auth.kind === "sign-in") {
      res.writeHead(303, { ...HEADERS, location: auth.location, "set-cookie": auth.cookie });
      res.end();
      return true;
    }
    try {
      await serve(o, req, res, url);
    } catch (err) {
      // The error's text may carry anything (a query, a row): it goes to the log, not to the page.
      o.log?.warn({ err }, "dashboard page failed");
      if (!res.headersSent) sendHtml(res, 500, messagePage("error", "The dashboard could not read the database; see the server log."));
      else res.end();
    }
    return true;
  };
}

async function serve(o: DashboardOptions, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const path = url.pathname.replace(/\/+$/, "");
  if (path === "/dashboard") return sendHtml(res, 200, await listPage(o.db, filterFrom(url.searchParams)));
  if (path === "/dashboard/static/style.css") return send(res, 200, "text/css; charset=utf-8", STYLE);
  if (path === "/dashboard/static/live.js") return send(res, 200, "text/javascript; charset=utf-8", LIVE_SCRIPT);
  const m = /^\/dashboard\/jobs\/([^/]+)(\/events)?$/.exec(path);
  const id = m ? decodeSafely(m[1]) : null;
  const job = id ? await findJob(o.db, id) : null;
  if (!m || !job) return sendHtml(res, 404, messagePage("not found", "No such page or job."));
  if (m[2]) return streamEvents(o.db, job, req, res, url, o.stream);
  return sendHtml(res, 200, await jobPage(o.db, job));
}

function decodeSafely(part: string): string | null {
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}

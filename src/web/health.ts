import type { IncomingMessage, ServerResponse } from "node:http";
import type { Database } from "../jobs/db.js";

/** GET /healthz: 200 when the database answers, 503 otherwise (for load balancers and Docker). */
export function healthHandler(db: Database) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (req.method !== "GET" || url.pathname !== "/healthz") return false;
    let ok = true;
    try {
      await db.query("SELECT 1");
    } catch {
      ok = false;
    }
    res.writeHead(ok ? 200 : 503, { "content-type": "application/json" });
    res.end(JSON.stringify({ ok, database: db.kind }));
    return true;
  };
}

// Sends a huge request body without ever holding it: the same 64 KiB chunk is written again and again, with
// backpressure, until the body is complete or the server answers. Used to prove a server refuses a body
// before reading it, and does not buffer it.
import http from "node:http";

export interface LargeBodyResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Body bytes handed to the socket before the answer came (or the connection closed). */
  sent: number;
  ms: number;
}

export function sendLargeBody(
  url: string,
  opts: { total: number; chunked: boolean; headers?: Record<string, string>; chunkDelayMs?: number },
): Promise<LargeBodyResult> {
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = http.request(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(opts.chunked ? { "transfer-encoding": "chunked" } : { "content-length": String(opts.total) }),
        ...opts.headers,
      },
    });
    req.on("response", (res) => {
      answered = true;
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (body += d));
      const finish = () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, sent, ms: Date.now() - started });
        req.destroy();
      };
      res.on("end", finish);
      res.on("error", finish);
    });
    req.on("error", (err) => {
      // Once the answer has arrived, the server closing the connection under the rest of the body is expected.
      if (!answered) reject(new Error(`no answer after ${sent} bytes: ${err.message}`));
    });
    const pump = () => {
      while (!answered && sent < opts.total) {
        const piece = opts.total - sent < chunk.length ? chunk.subarray(0, opts.total - sent) : chunk;
        sent += piece.length;
        const more = req.write(piece);
        if (opts.chunkDelayMs) {
          setTimeout(pump, opts.chunkDelayMs);
          return;
        }
        if (!more) {
          req.once("drain", pump);
          return;
        }
      }
      if (!answered) req.end();
    };
    pump();
  });
}

/** Resident memory of a process in bytes, from /proc (VmRSS). */
export async function rssOf(pid: number): Promise<number> {
  const { readFile } = await import("node:fs/promises");
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
  if (kb === undefined) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(kb) * 1024;
}

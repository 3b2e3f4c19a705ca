// A GitHub stand-in for job logs too big to hold: the log is generated line by line as the client reads it
// (with back-pressure), so the server never holds more than one chunk and the test measures the client alone.
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";

/** Every line is exactly LINE_BYTES long, so any byte offset maps to a line and the tail can be recomputed. */
export const LINE_BYTES = 100;
const LINES_PER_CHUNK = 640; // 64,000 bytes

/** Line `i` of the generated log (newline included). The last line holds the failure. */
export function logLine(i: number, lines: number): string {
  const text = i === lines - 1 ? `${String(i).padStart(9, "0")} ##[error]the failure is here` : `${String(i).padStart(9, "0")} step output`;
  return text.padEnd(LINE_BYTES - 1, ".") + "\n";
}

/** Lines from..to-1 as one buffer (for the expected tail). */
export function logLines(from: number, to: number, lines: number): Buffer {
  const parts: string[] = [];
  for (let i = from; i < to; i++) parts.push(logLine(i, lines));
  return Buffer.from(parts.join(""), "latin1");
}

function* generate(lines: number): Generator<Buffer> {
  for (let i = 0; i < lines; i += LINES_PER_CHUNK) yield logLines(i, Math.min(lines, i + LINES_PER_CHUNK), lines);
}

export interface LogSpec {
  lines: number;
  /** "redirect": GitHub's 302 to a signed URL on another host name; "direct": a GHES answering 200 with the log. */
  mode: "redirect" | "direct";
  /** Blob downloads that break off after this many bytes (then the connection is destroyed). */
  breakAfterBytes?: number;
  /** A log of one endless line: `lines` × LINE_BYTES bytes with no line break at all. */
  noNewlines?: boolean;
}

export interface HugeLogServer {
  /** The API base URL (host 127.0.0.1); signed URLs point at 127.0.0.2, another host, standing for the blob host. */
  baseUrl: string;
  logs: Map<number, LogSpec>;
  /** Every request: "<host> <path> auth=<yes|no> → <status>". */
  requests: string[];
  close(): Promise<void>;
}

export async function startHugeLogServer(): Promise<HugeLogServer> {
  const logs = new Map<number, LogSpec>();
  const requests: string[] = [];
  let blobPort = 0;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://x");
    const auth = req.headers.authorization ? "yes" : "no";
    const reply = (status: number, headers: Record<string, string> = {}, body = "") => {
      requests.push(`${req.headers.host?.split(":")[0]} ${url.pathname} auth=${auth} → ${status}`);
      res.writeHead(status, headers).end(body);
    };
    const stream = (spec: LogSpec) => {
      requests.push(`${req.headers.host?.split(":")[0]} ${url.pathname} auth=${auth} → 200`);
      res.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
      const source = spec.noNewlines
        ? Readable.from(
            (function* () {
              for (let i = 0; i < spec.lines; i += LINES_PER_CHUNK)
                yield Buffer.alloc(Math.min(LINES_PER_CHUNK, spec.lines - i) * LINE_BYTES, "x");
            })(),
          )
        : Readable.from(generate(spec.lines));
      if (spec.breakAfterBytes !== undefined) {
        let sent = 0;
        source.on("data", (chunk: Buffer) => {
          sent += chunk.length;
          if (sent >= spec.breakAfterBytes!) {
            source.destroy();
            res.destroy();
          }
        });
      }
      source.pipe(res);
    };
    const api = /^\/repos\/acme\/app\/actions\/jobs\/(\d+)\/logs$/.exec(url.pathname);
    if (api) {
      const spec = logs.get(Number(api[1]));
      if (!req.headers.authorization || !spec) return reply(404, { "content-type": "application/json" }, '{"message":"Not Found"}');
      if (spec.mode === "direct") return stream(spec);
      return reply(302, { location: `http://127.0.0.2:${blobPort}/blobs/${api[1]}?sig=s3cr3t-signature` });
    }
    const blob = /^\/blobs\/(\d+)$/.exec(url.pathname);
    const spec = blob && logs.get(Number(blob[1]));
    // The blob host must never see the token.
    if (!spec || req.headers.authorization) return reply(403, {}, "AuthenticationFailed");
    return stream(spec);
  };
  // Two listeners, two hosts: a token sent to the blob host would be seen there (and refused).
  const listen = async (host: string): Promise<Server> => {
    const server = createServer(handler);
    server.listen(0, host);
    await once(server, "listening");
    return server;
  };
  const apiServer = await listen("127.0.0.1");
  const blobServer = await listen("127.0.0.2");
  blobPort = (blobServer.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${(apiServer.address() as AddressInfo).port}`,
    logs,
    requests,
    close: async () => {
      for (const server of [apiServer, blobServer]) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    },
  };
}

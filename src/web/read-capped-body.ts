// Reads an HTTP request body into memory, but never more than a cap: a stranger decides how long a body is,
// so the length is checked before reading (Content-Length) and counted while reading (chunked bodies have
// no length). Past the cap the reader stops and the caller answers 413; nothing beyond the cap is kept.
import type { IncomingMessage, ServerResponse } from "node:http";

export type CappedBody = { ok: true; body: Buffer } | { ok: false; reason: "too_large" };

/** The declared Content-Length, or undefined when there is none (chunked) or it is not a plain number. */
export function declaredLength(req: IncomingMessage): number | undefined {
  const raw = req.headers["content-length"];
  return raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : undefined;
}

export function readCappedBody(req: IncomingMessage, maxBytes: number): Promise<CappedBody> {
  const length = declaredLength(req);
  if (length !== undefined && length > maxBytes) return Promise.resolve({ ok: false, reason: "too_large" });
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("close", onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        // Pause rather than destroy: destroying the request destroys the socket, and the client would never
        // see the 413. The caller's answer closes the connection (see refuseTooLarge).
        cleanup();
        req.pause();
        chunks.length = 0;
        resolve({ ok: false, reason: "too_large" });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve({ ok: true, body: Buffer.concat(chunks, size) });
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onClose = () => {
      cleanup();
      reject(new Error("the client closed the connection before the body was complete"));
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("close", onClose);
  });
}

// How long a refused client may go on sending (read and dropped) before its connection is cut.
const LINGER_MS = 2000;

/**
 * Answers 413, then cuts the connection after a short linger. Closing at once while the client is still
 * sending makes its system answer with a reset, and the client may see the reset instead of our 413; so for
 * LINGER_MS Node reads and drops what still arrives (no memory kept), then the socket goes, however long the
 * client meant to go on.
 */
export function refuseTooLarge(res: ServerResponse, body: string, contentType = "application/json"): void {
  res.writeHead(413, { "content-type": contentType });
  res.end(body);
  res.req.resume();
  const socket = res.req.socket;
  setTimeout(() => socket.destroy(), LINGER_MS).unref();
}

import { open } from "node:fs/promises";
import { createGunzip } from "node:zlib";

// 1 MB reads straight from a file handle: a read stream with small reads spends more time in stream machinery
// than in reading. The consumer (LineSplitter) decodes them in 64 KB pieces, so memory stays low anyway.
const READ_BYTES = 1 << 20;
// What gunzip is fed at a time. zlib ends an output chunk where an input write ends, and the reducer's line
// gate treats lines that straddle chunks differently, so gzipped logs are fed exactly as they always were.
export const GUNZIP_FEED_BYTES = 64 * 1024;

/**
 * The bytes of a log file, gunzipped when they start with the gzip magic bytes (whatever the file is called);
 * "-" reads stdin.
 */
export async function* openLogFile(path: string): AsyncIterable<Uint8Array> {
  const input: AsyncIterable<Uint8Array> = path === "-" ? process.stdin : readFile(path);
  yield* maybeGunzip(input);
}

async function* readFile(path: string): AsyncIterable<Uint8Array> {
  const fh = await open(path, "r");
  try {
    for (;;) {
      // A fresh buffer per read: consumers (gunzip) may hold on to a chunk after the next one arrives.
      const buf = Buffer.allocUnsafeSlow(READ_BYTES);
      const { bytesRead } = await fh.read(buf, 0, READ_BYTES, null);
      if (bytesRead === 0) return;
      yield bytesRead === READ_BYTES ? buf : buf.subarray(0, bytesRead);
    }
  } finally {
    await fh.close();
  }
}

export async function* maybeGunzip(input: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  const it = input[Symbol.asyncIterator]();
  let first = await it.next();
  while (!first.done && first.value.length === 0) first = await it.next();
  if (first.done) return;
  const head = first.value;
  const rest: AsyncIterable<Uint8Array> = { [Symbol.asyncIterator]: () => it };
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    const gunzip = createGunzip();
    const write = async (chunk: Uint8Array) => {
      for (let p = 0; p < chunk.length; p += GUNZIP_FEED_BYTES) {
        const piece = chunk.subarray(p, Math.min(chunk.length, p + GUNZIP_FEED_BYTES));
        if (!gunzip.write(piece)) await new Promise((r) => gunzip.once("drain", r));
      }
    };
    const feed = (async () => {
      try {
        await write(head);
        for await (const chunk of rest) await write(chunk);
        gunzip.end();
      } catch (err) {
        gunzip.destroy(err as Error);
      }
    })();
    for await (const chunk of gunzip) yield chunk as Uint8Array;
    await feed;
    return;
  }
  yield head;
  for await (const chunk of rest) yield chunk;
}

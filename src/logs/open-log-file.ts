import { type FileHandle, open } from "node:fs/promises";
import { createGunzip } from "node:zlib";

// 4 MB reads straight from a file handle: a read stream with small reads spends more time in stream machinery
// than in reading, and each read waits for the thread pool (measured on real logs, one core: 1 MB reads were
// 1-1.5 % slower than 4 MB ones). The consumer (LineSplitter) decodes them in 64 KB pieces, so memory stays low
// anyway, and the pieces are the same whatever the size of the reads.
const READ_BYTES = 4 << 20;
// Reads of a gzipped file each get a buffer of their own (see freshReads): smaller ones.
const GZIP_READ_BYTES = 1 << 20;
// What gunzip is fed at a time. zlib ends an output chunk where an input write ends, and the reducer's line
// gate treats lines that straddle chunks differently, so gzipped logs are fed exactly as they always were.
export const GUNZIP_FEED_BYTES = 64 * 1024;

/**
 * The bytes of a log file, gunzipped when they start with the gzip magic bytes (whatever the file is called);
 * "-" reads stdin. A chunk is valid until the next one is asked for: plain files are read into one buffer
 * again and again (a fresh megabyte per read costs more than the reading), so a consumer that holds on to
 * a chunk must copy it.
 */
export async function* openLogFile(path: string): AsyncIterable<Uint8Array> {
  if (path === "-") {
    yield* maybeGunzip(process.stdin);
    return;
  }
  const fh = await open(path, "r");
  try {
    const buf = Buffer.allocUnsafeSlow(READ_BYTES);
    let n = await read(fh, buf);
    if (n >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
      // gunzip may still hold a chunk when the next is read: these reads each get their own buffer.
      yield* maybeGunzip(freshReads(fh, buf.subarray(0, n)));
      return;
    }
    while (n > 0) {
      yield buf.subarray(0, n);
      n = await read(fh, buf);
    }
  } finally {
    await fh.close();
  }
}

async function read(fh: FileHandle, buf: Buffer): Promise<number> {
  return (await fh.read(buf, 0, buf.length, null)).bytesRead;
}

async function* freshReads(fh: FileHandle, first: Buffer): AsyncIterable<Uint8Array> {
  yield first;
  for (;;) {
    const buf = Buffer.allocUnsafeSlow(GZIP_READ_BYTES);
    const n = await read(fh, buf);
    if (n === 0) return;
    yield n === GZIP_READ_BYTES ? buf : buf.subarray(0, n);
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

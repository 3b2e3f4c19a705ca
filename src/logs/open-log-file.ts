import { createReadStream } from "node:fs";
import { createGunzip } from "node:zlib";

/**
 * The bytes of a log file, gunzipped when they start with the gzip magic bytes (whatever the file is called);
 * "-" reads stdin.
 */
// 64 KB reads: each chunk's latin1 string then stays below V8's large-object size and dies young, which keeps
// peak memory low on multi-gigabyte logs (1 MB chunks pile up in large-object space until a full GC).
export async function* openLogFile(path: string): AsyncIterable<Uint8Array> {
  const input: AsyncIterable<Uint8Array> =
    path === "-" ? process.stdin : createReadStream(path, { highWaterMark: 64 * 1024 });
  yield* maybeGunzip(input);
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
    const feed = (async () => {
      try {
        if (!gunzip.write(head)) await new Promise((r) => gunzip.once("drain", r));
        for await (const chunk of rest) {
          if (!gunzip.write(chunk)) await new Promise((r) => gunzip.once("drain", r));
        }
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

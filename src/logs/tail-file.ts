import { open, rename, rm, type FileHandle } from "node:fs/promises";

/** What a capped write kept of a stream: its full length, the bytes on disk, and whether the head was cut. */
export interface TailInfo {
  bytesTotal: number;
  bytesKept: number;
  cut: boolean;
}

// The block used to put a wrapped ring back in order: the only buffer this module allocates.
const COPY_BLOCK = 1024 * 1024;
const NEWLINE = 0x0a;

/**
 * Writes a byte stream to `file`, keeping only its last `maxBytes` bytes: a CI log fails at its end, and a
 * hostile or runaway log (GitHub's can be gigabytes) must neither fill memory nor the disk before it is cut.
 *
 * The stream goes chunk by chunk into a ring of `maxBytes + 1` bytes (`file.part`), so memory holds one chunk
 * and the disk never more than the ring while downloading. A log that fit is renamed into place byte for byte.
 * A longer one is copied out of the ring in order, starting after the first line break in it, so the file
 * starts at a line boundary; the one byte more than `maxBytes` tells whether the last `maxBytes` bytes already
 * start one (then none is dropped). With no whole line in the ring, the last `maxBytes` bytes are kept as they
 * are. For that moment the disk holds the ring and the copy, at most 2 × maxBytes + 1. On any error both files
 * are removed.
 */
export async function writeTail(source: AsyncIterable<Uint8Array>, file: string, maxBytes: number): Promise<TailInfo> {
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) throw new RangeError(`maxBytes must be a positive integer, got ${maxBytes}`);
  const ring = `${file}.part`;
  try {
    const size = maxBytes + 1;
    const bytesTotal = await fillRing(source, ring, size);
    if (bytesTotal <= maxBytes) {
      await rename(ring, file);
      return { bytesTotal, bytesKept: bytesTotal, cut: false };
    }
    const bytesKept = await unwrapRing(ring, file, size, bytesTotal % size);
    await rm(ring, { force: true });
    return { bytesTotal, bytesKept, cut: true };
  } catch (error) {
    await rm(ring, { force: true });
    await rm(file, { force: true });
    throw error;
  }
}

async function fillRing(source: AsyncIterable<Uint8Array>, ring: string, size: number): Promise<number> {
  const fh = await open(ring, "w");
  let total = 0;
  try {
    for await (const chunk of source) {
      // Bytes of a chunk bigger than the ring would only be overwritten by the same chunk: skip them.
      const skip = Math.max(0, chunk.length - size);
      total += skip;
      let offset = skip;
      while (offset < chunk.length) {
        const at = total % size;
        const length = Math.min(size - at, chunk.length - offset);
        await writeFully(fh, chunk, offset, length, at);
        offset += length;
        total += length;
      }
    }
  } finally {
    await fh.close();
  }
  return total;
}

async function writeFully(fh: FileHandle, chunk: Uint8Array, offset: number, length: number, position: number): Promise<void> {
  while (length > 0) {
    const { bytesWritten } = await fh.write(chunk, offset, length, position);
    offset += bytesWritten;
    position += bytesWritten;
    length -= bytesWritten;
  }
}

/** Copies a full ring whose oldest byte is at `start` into `file` in order, from its first whole line. */
async function unwrapRing(ring: string, file: string, size: number, start: number): Promise<number> {
  const src = await open(ring, "r");
  const block = Buffer.allocUnsafe(Math.min(COPY_BLOCK, size));
  try {
    // Logical offset n (0 = oldest kept byte) lives at ring position (start + n) % size.
    const readAt = async (n: number, max: number): Promise<Buffer> => {
      const at = (start + n) % size;
      const length = Math.min(max, block.length, size - at);
      const { bytesRead } = await src.read(block, 0, length, at);
      if (bytesRead === 0) throw new Error(`log ring ${ring} is shorter than expected`);
      return block.subarray(0, bytesRead);
    };
    // Without a whole line after the first break, keep the last size - 1 (= maxBytes) bytes as they are.
    let from = 1;
    for (let n = 0; n < size;) {
      const piece = await readAt(n, size - n);
      const nl = piece.indexOf(NEWLINE);
      if (nl >= 0) {
        if (n + nl + 1 < size) from = n + nl + 1;
        break;
      }
      n += piece.length;
    }
    const dst = await open(file, "w");
    try {
      for (let n = from; n < size;) {
        const piece = await readAt(n, size - n);
        await writeFully(dst, piece, 0, piece.length, n - from);
        n += piece.length;
      }
    } finally {
      await dst.close();
    }
    return size - from;
  } finally {
    await src.close();
  }
}

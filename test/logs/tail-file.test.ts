import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeTail } from "../../src/logs/tail-file.js";

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield Buffer.from(part, "latin1");
}

describe("writeTail", () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "tail-file-"));
    file = path.join(dir, "out.log");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const kept = () => readFileSync(file, "latin1");

  it("keeps a stream of exactly the cap whole, and an empty one as an empty file", async () => {
    expect(await writeTail(chunks("ab\n", "cd\n"), file, 6)).toEqual({ bytesTotal: 6, bytesKept: 6, cut: false });
    expect(kept()).toBe("ab\ncd\n");
    expect(await writeTail(chunks(), file, 6)).toEqual({ bytesTotal: 0, bytesKept: 0, cut: false });
    expect(kept()).toBe("");
  });

  it("keeps all of the last cap bytes when they start a line (the byte before is a line break)", async () => {
    expect(await writeTail(chunks("ab\n", "cd\nef\n"), file, 6)).toEqual({ bytesTotal: 9, bytesKept: 6, cut: true });
    expect(kept()).toBe("cd\nef\n");
  });

  it("drops the partial first line, across many wraps and chunks bigger than the ring", async () => {
    const long = Array.from({ length: 50 }, (_, i) => `line ${i}\n`).join("");
    const info = await writeTail(chunks(long.slice(0, 7), long.slice(7, 300), long.slice(300)), file, 20);
    expect(kept()).toBe("line 48\nline 49\n");
    expect(info).toEqual({ bytesTotal: long.length, bytesKept: 16, cut: true });
    expect(readdirSync(dir)).toEqual(["out.log"]);
  });

  it("keeps the last cap bytes as they are when no whole line is left after the first break", async () => {
    expect(await writeTail(chunks("xxxxxxxxxx\n"), file, 4)).toEqual({ bytesTotal: 11, bytesKept: 4, cut: true });
    expect(kept()).toBe("xxx\n");
  });

  it("removes both files when the stream fails half-way", async () => {
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield Buffer.from("some bytes\n");
      throw new Error("connection reset");
    }
    await expect(writeTail(failing(), file, 4)).rejects.toThrow("connection reset");
    expect(readdirSync(dir)).toEqual([]);
  });
});

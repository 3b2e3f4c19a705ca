import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { reduceLogCommand } from "../../src/cli/reduce-log.js";
import { openLogFile, reduceLog, reduceLogText } from "../../src/logs/reduce.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "reduce-log-test-"));

function io() {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on("data", (d: Buffer) => out.push(d.toString()));
  stderr.on("data", (d: Buffer) => err.push(d.toString()));
  return { io: { stdout, stderr }, out: () => out.join(""), err: () => err.join("") };
}

function failingLog(): string {
  const lines = ["$ npm test"];
  for (let i = 0; i < 500; i++) lines.push(`ok ${i} - case ${i}`);
  lines.push("not ok 501 - parses dates", "  expected: 2026", "  actual: 1970");
  lines.push('The command "npm test" exited with 1.');
  return lines.join("\n") + "\n";
}

describe("reduce-log command", () => {
  it("prints the excerpt of a plain file", async () => {
    const file = path.join(dir, "plain.log");
    writeFileSync(file, failingLog());
    const t = io();
    expect(await reduceLogCommand([file], t.io)).toBe(0);
    expect(t.out()).toContain("not ok 501 - parses dates");
    expect(t.out().trimEnd().split("\n").length).toBeLessThanOrEqual(150);
  });

  it("reads gzip by its magic bytes, whatever the name, and honours --max-lines", async () => {
    const file = path.join(dir, "log.txt");
    writeFileSync(file, gzipSync(failingLog()));
    const t = io();
    expect(await reduceLogCommand([file, "--max-lines", "10"], t.io)).toBe(0);
    const lines = t.out().trimEnd().split("\n");
    expect(lines.length).toBeLessThanOrEqual(10);
    expect(lines).toContain('The command "npm test" exited with 1.');
  });

  it("accepts --passing", async () => {
    const file = path.join(dir, "f.log");
    const pass = path.join(dir, "p.log.gz");
    writeFileSync(file, failingLog());
    writeFileSync(pass, gzipSync("ok 1 - case 1\n"));
    const t = io();
    expect(await reduceLogCommand([file, `--passing=${pass}`], t.io)).toBe(0);
    expect(t.out()).toContain("not ok 501");
  });

  it("answers bad arguments with usage and exit code 2", async () => {
    for (const args of [[], ["a", "b"], ["x.log", "--max-lines"], ["x.log", "--max-lines", "zero"], ["x.log", "--bogus"]]) {
      const t = io();
      expect(await reduceLogCommand(args, t.io), JSON.stringify(args)).toBe(2);
      expect(t.err()).toMatch(/usage: codex-dispatch reduce-log/);
    }
  });

  it("says which file is missing", async () => {
    const t = io();
    expect(await reduceLogCommand([path.join(dir, "nope.log")], t.io)).toBe(2);
    expect(t.err()).toMatch(/no such file: .*nope\.log/);
  });
});

describe("openLogFile", () => {
  it("yields the bytes of plain and gzipped files alike", async () => {
    const plain = path.join(dir, "same.log");
    const gz = path.join(dir, "same.log.gz");
    writeFileSync(plain, "hello\nworld\n");
    writeFileSync(gz, gzipSync("hello\nworld\n"));
    for (const f of [plain, gz]) {
      const parts: Buffer[] = [];
      for await (const c of openLogFile(f)) parts.push(Buffer.from(c));
      expect(Buffer.concat(parts).toString()).toBe("hello\nworld\n");
    }
  });

  it("yields every byte of a file of several reads, plain and gzipped (chunks copied as they come)", async () => {
    const text = Array.from({ length: 180_000 }, (_, i) => `line ${i} ${"x".repeat(i % 97)}`).join("\n");
    const plain = path.join(dir, "big.log");
    const gz = path.join(dir, "big.log.gz");
    writeFileSync(plain, text);
    writeFileSync(gz, gzipSync(text));
    expect(Buffer.byteLength(text)).toBeGreaterThan(9 << 20); // three reads of 4 MB
    for (const f of [plain, gz]) {
      const parts: Buffer[] = [];
      for await (const c of openLogFile(f)) parts.push(Buffer.from(c));
      expect(parts.length, f).toBeGreaterThanOrEqual(3);
      expect(Buffer.concat(parts).toString() === text, f).toBe(true);
    }
  });

  it("gives the excerpt of the whole text from a file of several reads (pieces do not depend on the reads)", async () => {
    const lines = Array.from({ length: 150_000 }, (_, i) =>
      i % 9973 === 0 ? `Error: failure number ${i} in step\r` : `2024-01-01T00:00:00.0000000Z step ${i} ${"y".repeat(i % 89)}`,
    );
    const text = lines.join("\n");
    const f = path.join(dir, "excerpt.log");
    writeFileSync(f, text);
    expect(Buffer.byteLength(text)).toBeGreaterThan(9 << 20);
    const fromFile = await reduceLog(openLogFile(f));
    expect(fromFile.text).toBe((await reduceLogText(text)).text);
    expect(fromFile.text).toContain("Error: failure number 0 in step");
  });

  it("yields nothing for an empty file", async () => {
    const f = path.join(dir, "empty.log");
    writeFileSync(f, "");
    let n = 0;
    for await (const c of openLogFile(f)) n += c.length;
    expect(n).toBe(0);
  });
});

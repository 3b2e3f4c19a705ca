import { createWriteStream } from "node:fs";
import { once } from "node:events";

// A large Actions-style log: timestamps, groups, ANSI colours, CR progress bars, compiler and test output,
// repeated blocks, one failing step at the end. Written in 8 MB blocks so that building it stays fast.

function block(seed: number): string {
  const ts = (n: number) => `2026-01-01T00:${String(n % 60).padStart(2, "0")}:00.${String(n).padStart(7, "0")}Z `;
  const lines: string[] = [];
  let n = seed;
  lines.push(`${ts(n++)}##[group]Run npm ci`);
  for (let i = 0; i < 20; i++) lines.push(`${ts(n++)}npm http fetch GET 200 https://registry.npmjs.org/pkg-${seed}-${i} 12ms (cache hit)`);
  lines.push(`${ts(n++)}##[endgroup]`);
  for (let i = 0; i < 10; i++) lines.push(`${ts(n++)}Downloading [${"=".repeat(i)}>${" ".repeat(10 - i)}] ${i * 10}%\r`);
  for (let i = 0; i < 30; i++)
    lines.push(`${ts(n++)}\x1b[32m  ✓\x1b[39m src/module${i}.test.ts > handles case ${seed + i} \x1b[2m(${i} ms)\x1b[22m`);
  for (let i = 0; i < 20; i++) lines.push(`${ts(n++)}[INFO] Compiling src/main/java/org/example/Service${i}.java`);
  lines.push(`${ts(n++)}warning: unused variable \`x\` in src/lib.rs:${seed % 1000}:5`);
  for (let i = 0; i < 15; i++) lines.push(`${ts(n++)}PASS tests/test_unit_${i}.py::test_value[${seed}]`);
  return lines.join("\n") + "\n";
}

const FAILURE = [
  "##[group]Run npm test",
  "FAIL src/api.test.ts",
  "  ● api › returns 200",
  "    expect(received).toBe(expected)",
  "    Expected: 200",
  "    Received: 500",
  "      at Object.<anonymous> (src/api.test.ts:12:5)",
  "Tests:       1 failed, 41 passed, 42 total",
  "##[error]Process completed with exit code 1.",
].join("\n");

export async function writeSyntheticLog(file: string, bytes: number): Promise<number> {
  const out = createWriteStream(file);
  let written = 0;
  let seed = 0;
  while (written < bytes) {
    const parts: string[] = [];
    let size = 0;
    while (size < 8 << 20) {
      const b = block(seed++);
      parts.push(b);
      size += Buffer.byteLength(b);
    }
    const buf = Buffer.from(parts.join(""));
    written += buf.length;
    if (!out.write(buf)) await once(out, "drain");
  }
  const tail = Buffer.from(FAILURE + "\n");
  out.write(tail);
  written += tail.length;
  out.end();
  await once(out, "finish");
  return written;
}

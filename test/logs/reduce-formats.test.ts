import { describe, expect, it } from "vitest";
import { reduceLog, reduceLogText } from "../../src/logs/reduce.js";

const ts = (n: number) => `2026-01-01T00:00:${String(n % 60).padStart(2, "0")}.1234567Z `;

function actionsLog(): string {
  const lines: string[] = ["\uFEFF" + ts(0) + "Current runner version: '2.333.1'"];
  lines.push(ts(1) + "##[group]Run npm ci");
  for (let i = 0; i < 300; i++) lines.push(ts(i) + `added package-${i}`);
  lines.push(ts(2) + "##[endgroup]");
  lines.push(ts(3) + "##[group]Run npm test");
  for (let i = 0; i < 300; i++) lines.push(ts(i) + `\x1b[32m✓\x1b[39m test ${i} passes`);
  lines.push(ts(4) + "FAIL src/api.test.ts");
  lines.push(ts(4) + "  ● api › returns 200");
  lines.push(ts(4) + "    Expected: 200");
  lines.push(ts(4) + "    Received: 500");
  lines.push(ts(4) + "      at Object.<anonymous> (src/api.test.ts:12:5)");
  for (let i = 0; i < 50; i++) lines.push(ts(i) + `\x1b[32m✓\x1b[39m other test ${i} passes`);
  lines.push(ts(5) + "Tests:       1 failed, 341 passed, 342 total");
  lines.push(ts(5) + "##[error]Process completed with exit code 1.");
  lines.push(ts(6) + "Post job cleanup.");
  for (let i = 0; i < 100; i++) lines.push(ts(i) + `[command]/usr/bin/git config --local --unset-all key${i}`);
  return lines.join("\r\n") + "\r\n";
}

describe("reduceLogText on GitHub Actions logs", () => {
  it("keeps the failure report, the summary and the exit line, without timestamps, ANSI codes or BOM", async () => {
    const r = await reduceLogText(actionsLog());
    expect(r.failedStep).toBe("Run npm test");
    expect(r.lines.length).toBeLessThanOrEqual(150);
    for (const wanted of [
      "FAIL src/api.test.ts",
      "  ● api › returns 200",
      "    Received: 500",
      "      at Object.<anonymous> (src/api.test.ts:12:5)",
      "Tests:       1 failed, 341 passed, 342 total",
      "##[error]Process completed with exit code 1.",
    ]) {
      expect(r.lines).toContain(wanted);
    }
    expect(r.text).not.toMatch(/\x1b|\uFEFF|2026-01-01T/);
    expect(r.totalLines).toBe(r.totalLines); // counted
    expect(r.totalLines).toBeGreaterThan(750);
  });

  it("marks omitted lines with their count and step", async () => {
    const r = await reduceLogText(actionsLog());
    const markers = r.lines.filter((l) => l.startsWith("… "));
    expect(markers.length).toBeGreaterThan(0);
    expect(markers.some((m) => /^… \d+ lines omitted \(steps?: .*Run npm/.test(m))).toBe(true);
  });

  it("respects --max-lines, markers included", async () => {
    const r = await reduceLogText(actionsLog(), { maxLines: 20 });
    expect(r.lines.length).toBeLessThanOrEqual(20);
    expect(r.lines).toContain("##[error]Process completed with exit code 1.");
  });

  it("keeps the gh run view prefix verbatim and takes the step from it", async () => {
    const pre = (step: string, n: number) => `build\t${step}\t${ts(n)}`;
    const lines = [pre("Set up job", 0) + "Current runner version: '2.284.0'"];
    for (let i = 0; i < 200; i++) lines.push(pre("build", i) + `> Task :compile${i}`);
    lines.push(pre("build", 1) + "FooTest > bar() FAILED");
    lines.push(pre("build", 1) + "    java.lang.AssertionError at FooTest.java:61");
    lines.push(pre("build", 2) + "##[error]Process completed with exit code 1.");
    const r = await reduceLogText(lines.join("\n"));
    expect(r.lines).toContain(pre("build", 1) + "FooTest > bar() FAILED");
    expect(r.failedStep).toBe("build");
  });
});

describe("reduceLogText on Travis and plain logs", () => {
  it("finds the failing command and the compiler error inside it", async () => {
    const lines = ["travis_fold:start:install", "$ npm install"];
    for (let i = 0; i < 400; i++) lines.push(`fetched dep ${i}`);
    lines.push("$ make");
    for (let i = 0; i < 400; i++) lines.push(`cc -c file${i}.c`);
    lines.push("src/parse.c:42:7: error: use of undeclared identifier 'tok'");
    lines.push("    tok = next();");
    lines.push("    ^");
    lines.push("1 error generated.");
    lines.push("make: *** [parse.o] Error 1");
    for (let i = 0; i < 30; i++) lines.push(`cleanup ${i}`);
    lines.push('The command "make" exited with 2.');
    lines.push("Done. Your build exited with 1.");
    const r = await reduceLogText(lines.join("\n"));
    expect(r.failedStep).toBe("make");
    expect(r.lines).toContain("src/parse.c:42:7: error: use of undeclared identifier 'tok'");
    expect(r.lines).toContain("make: *** [parse.o] Error 1");
    expect(r.lines).toContain('The command "make" exited with 2.');
  });

  it("keeps a Python traceback whole", async () => {
    const lines: string[] = [];
    for (let i = 0; i < 500; i++) lines.push(`collecting ${i}`);
    const trace = [
      "Traceback (most recent call last):",
      '  File "app.py", line 3, in <module>',
      "    main()",
      '  File "app.py", line 2, in main',
      "    int('x')",
      "ValueError: invalid literal for int() with base 10: 'x'",
    ];
    lines.push(...trace);
    for (let i = 0; i < 300; i++) lines.push(`teardown ${i}`);
    const r = await reduceLogText(lines.join("\n"));
    const at = r.lines.indexOf(trace[0]);
    expect(at).toBeGreaterThanOrEqual(0);
    expect(r.lines.slice(at, at + trace.length)).toEqual(trace);
  });

  it("collapses repeated lines", async () => {
    const lines = ["start", ...Array.from({ length: 1000 }, () => "Retrying connection..."), "error: gave up"];
    const r = await reduceLogText(lines.join("\n"));
    expect(r.lines.filter((l) => l === "Retrying connection...")).toHaveLength(1);
    expect(r.lines).toContain("… the line above repeated 999 more times …");
    expect(r.totalLines).toBe(1002);
  });

  it("leaves blank lines out (empty, white space, colour codes only) but counts them", async () => {
    const lines = ["build", "", "   ", "\t", "\x1b[0m", "\x1b[31m  \x1b[0m", "error: it broke", "", "  at f (a.js:1:1)", " "];
    const r = await reduceLogText(lines.join("\r\n") + "\r\n");
    expect(r.lines).toEqual(["build", "error: it broke", "  at f (a.js:1:1)"]);
    expect(r.totalLines).toBe(lines.length);
  });

  it("leaves out Travis' fold and timer markers, with or without colour codes before them", async () => {
    const log = [
      "travis_fold:start:install\r\x1b[0Ktravis_time:start:0a1b2c\r\x1b[0K$ npm ci",
      "added 12 packages",
      "travis_time:end:0a1b2c:start=1,finish=2,duration=1\r\x1b[0Ktravis_fold:end:install\r\x1b[0K$ npm test",
      "Error: travis_fold:start:x is not a marker here",
    ].join("\n");
    const r = await reduceLogText(log);
    expect(r.lines).toEqual(["$ npm ci", "added 12 packages", "$ npm test", "Error: travis_fold:start:x is not a marker here"]);
    expect(r.totalLines).toBe(8);
  });

  it("collapses repeats across piece boundaries and timestamps, and keeps look-alikes of the same length apart", async () => {
    const ts = (i: number) => `2026-01-01T00:00:${String(i % 60).padStart(2, "0")}.${String(i).padStart(7, "0")}Z `;
    const same = Array.from({ length: 5000 }, (_, i) => ts(i) + "Retrying connection to db:5432"); // ~300 KB: 5 pieces
    const alike = Array.from({ length: 6 }, (_, i) => ts(i) + `Retrying connection to db:543${i}`);
    const r = await reduceLogText(["start", ...same, ...alike, "error: gave up"].join("\n"));
    expect(r.lines.filter((l) => l === "Retrying connection to db:5432")).toHaveLength(2); // the run, then alike[2]
    expect(r.lines).toContain("… the line above repeated 4999 more times …");
    for (const i of [0, 1, 3, 4, 5]) expect(r.lines).toContain(`Retrying connection to db:543${i}`);
    expect(r.totalLines).toBe(5008);
  });

  it("splits progress bars drawn with a lone CR and drops their ANSI codes", async () => {
    const r = await reduceLogText("Downloading 10%\rDownloading 50%\r\x1b[1mDownloading 100%\x1b[0m\nerror: checksum mismatch\n");
    expect(r.lines).toEqual(["Downloading 10%", "Downloading 50%", "Downloading 100%", "error: checksum mismatch"]);
  });

  it("returns a small log whole", async () => {
    const r = await reduceLogText("a\nb\nc\n");
    expect(r.lines).toEqual(["a", "b", "c"]);
    expect(r.totalLines).toBe(3);
  });

  it("redacts secrets in kept lines", async () => {
    const r = await reduceLogText(
      "curl -H 'Authorization: Bearer abcdefghijklmnop1234' failed\nerror: token ghp_abcdefghijklmnopqrstuvwxyz0123456789 rejected\n",
    );
    expect(r.text).not.toContain("ghp_abcdefghijklmnopqrstuvwxyz0123456789");
    expect(r.text).not.toContain("abcdefghijklmnop1234");
    expect(r.text).toContain("[REDACTED]");
  });
});

describe("reduceLogText with a passing log", () => {
  it("prefers failure lines that the passing run did not print", async () => {
    const noise = (n: number) => `WARN deprecated option used in step ${n}`;
    const common: string[] = [];
    for (let i = 0; i < 40; i++)
      common.push(`error: flaky warning from tool (attempt ${i})`, ...Array.from({ length: 20 }, (_, k) => `ok ${i}.${k}`));
    const failing = [...common, "error: schema check failed for config.yml", ...Array.from({ length: 300 }, (_, k) => `tail ${k}`)];
    const passing = [...common.map((l) => l.replace(/\d+/g, "9")), noise(1)];
    const r = await reduceLogText(failing.join("\n"), { maxLines: 30, passingText: passing.join("\n") });
    expect(r.lines).toContain("error: schema check failed for config.yml");
  });
});

describe("bad input", () => {
  it("handles an empty log", async () => {
    const r = await reduceLogText("");
    expect(r).toEqual({ lines: [], text: "", totalLines: 0 });
  });

  it("handles binary data and invalid UTF-8 without throwing", async () => {
    const bytes = Buffer.alloc(64 * 1024);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) % 256;
    const r = await reduceLog(chunks([bytes, Buffer.from([0xff, 0xfe, 0x0a]), Buffer.from("error: bad \xff byte\n", "latin1")]));
    expect(r.lines.length).toBeLessThanOrEqual(150);
    expect(r.lines).toContain("error: bad \uFFFD byte");
  });

  it("handles one 100 MB line with flat memory", async () => {
    const mb = Buffer.alloc(1 << 20, 0x78);
    async function* big() {
      for (let i = 0; i < 100; i++) yield mb;
      yield Buffer.from("\nerror: after the long line\n");
    }
    const before = process.memoryUsage().rss;
    const r = await reduceLog(big());
    expect(r.totalLines).toBe(2);
    expect(r.lines).toContain("error: after the long line");
    expect(r.lines[0].length).toBeLessThan(70_000);
    expect(process.memoryUsage().rss - before).toBeLessThan(80 * 1024 * 1024);
  });

  it("keeps a last line that has no line break", async () => {
    const r = await reduceLogText("step one\nerror: the log ends mid-li");
    expect(r.lines).toEqual(["step one", "error: the log ends mid-li"]);
  });

  it("rejects a bad max-lines value with a clear error", async () => {
    for (const bad of [0, 2, 2.5, 100_001, Number.NaN]) {
      await expect(reduceLogText("x", { maxLines: bad })).rejects.toThrow(/maxLines must be an integer from 3 to 100000/);
    }
    expect((await reduceLogText("a\nb\nc\nd", { maxLines: 3 })).lines.length).toBeLessThanOrEqual(3);
  });
});

async function* chunks(list: Uint8Array[]): AsyncIterable<Uint8Array> {
  for (const c of list) yield c;
}

import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSandboxedCommand } from "../../src/agent/sandbox-command.js";
import { initRepo } from "../helpers/codex.js";

// A repository's verify command, run for real inside the real `codex sandbox`.
let root: string;
let repo: string;
let jobDir: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "sandbox-command-"));
  repo = path.join(root, "repo");
  jobDir = path.join(root, "job");
  await initRepo(repo);
  await mkdir(path.join(repo, "test"), { recursive: true });
  await writeFile(
    path.join(repo, "test", "sum.test.mjs"),
    'import { test } from "node:test";\nimport assert from "node:assert";\ntest("sum adds", () => assert.strictEqual(1 + 1, 3, "sum is wrong"));\n',
  );
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const run = (command: string, timeoutMs = 60_000) => runSandboxedCommand({ command, cwd: repo, jobDir, timeoutMs });

describe("runSandboxedCommand", () => {
  it("keeps what a failing node command prints, and its exit code", async () => {
    const r = await run(`node -e 'console.log("visible on stdout"); console.error("visible on stderr"); process.exit(3)'`);
    expect(r.exitCode).toBe(3);
    expect(r.timedOut).toBe(false);
    expect(r.output).toContain("visible on stdout");
    expect(r.output).toContain("visible on stderr");
  });

  it("keeps a failing `node --test` report", async () => {
    const r = await run("node --test");
    expect(r.exitCode).toBe(1);
    // The runner's own report; the per-file child's details are lost inside the sandbox (see sandbox-command.ts).
    expect(r.output).toMatch(/not ok 1 - .*sum\.test\.mjs/);
    expect(r.output).toContain("# fail 1");
  });

  it("passes a command with quotes and `$` through untouched, and an exit code of 0", async () => {
    const r = await run(`x='a "b" $HOME'; echo "[$x]"; exit 0`);
    expect(r.exitCode).toBe(0);
    expect(r.output).toContain('[a "b" $HOME]');
  });
});

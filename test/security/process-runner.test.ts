import { running } from "../helpers/processes.js";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSandboxedCommand } from "../../src/agent/sandbox-command.js";
import { ProcessError } from "../../src/process/process-error.js";
import { runProcess } from "../../src/process/run-process.js";
import { initRepo } from "../helpers/codex.js";

// Child processes run text and commands strangers wrote: the one runner (src/process) must stop all of what they
// start at the limit, and what they print must not carry a secret into an error we log or post.

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "process-runner-"));
  await initRepo(path.join(root, "repo"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("the process runner", () => {
  it("[S15.1] a verify command that leaves a background process running → its whole process group is killed at the limit, reported as timed out", async () => {
    const marker = `${4000 + Math.random()}`.slice(0, 9);
    const pending = runSandboxedCommand({
      command: `sleep ${marker} & node -e 'setInterval(() => {}, 1000)'`,
      cwd: path.join(root, "repo"),
      jobDir: path.join(root, "job"),
      timeoutMs: 3_000,
    });
    // The background sleep really started inside the sandbox.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await running(marker)).toBe(true);
    const r = await pending;
    expect(r.timedOut).toBe(true);
    expect(r.exitCode).toBeNull();
    expect(r.durationMs).toBeLessThan(10_000);
    expect(await running(marker)).toBe(false);
  });

  it("[S15.2] a failing child that prints a ghs_ token and a secret value we hold → the ProcessError's message, command and output say [REDACTED]", async () => {
    const token = "ghs_" + "aB3".repeat(12);
    const literal = "literal-secret-value";
    const err = await runProcess("sh", ["-c", `echo "using ${token}"; echo "fatal: ${token} ${literal}" >&2; exit 7`, token], {
      secrets: [literal],
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProcessError);
    const e = err as ProcessError;
    expect(e.exitCode).toBe(7);
    expect(e.signal).toBeNull();
    expect(e.message).toMatch(/exited with 7: fatal: \[REDACTED\] \[REDACTED\]/);
    expect(e.output).toContain("using [REDACTED]");
    for (const text of [e.message, e.command, e.stderr, e.output]) {
      expect(text).not.toContain(token);
      expect(text).not.toContain(literal);
    }
  });
});

import { running } from "../helpers/processes.js";
import { describe, expect, it } from "vitest";
import { ProcessError } from "../../src/process/process-error.js";
import { runProcess } from "../../src/process/run-process.js";

// The one process runner, on real processes (sh, node, sleep).

describe("runProcess", () => {
  it("returns exit code, kept stdout and the tails", async () => {
    const r = await runProcess("sh", ["-c", "printf 'out\\n'; printf 'err\\n' >&2"], { keepStdout: true });
    expect(r.exitCode).toBe(0);
    expect(r.stdout.toString()).toBe("out\n");
    expect(r.stdoutTail).toBe("out\n");
    expect(r.stderrTail).toBe("err\n");
    expect(r.outputTail).toContain("err\n");
  });

  it("passes input on stdin, and only the given environment", async () => {
    const r = await runProcess("sh", ["-c", 'cat; printf "[$HOME][$ONLY]"'], {
      input: "in:",
      env: { PATH: process.env.PATH!, ONLY: "x" },
      keepStdout: true,
    });
    expect(r.stdout.toString()).toBe("in:[][x]");
  });

  it("streams stdout and stderr to callbacks without splitting a character", async () => {
    const seen: string[] = [];
    // "é" is two bytes; the two writes split it across chunks.
    const script = "process.stdout.write(Buffer.from([0xc3])); setTimeout(() => process.stdout.write(Buffer.from([0xa9, 0x0a])), 50)";
    await runProcess(process.execPath, ["-e", script], { onStdout: (t) => seen.push(t) });
    expect(seen.join("")).toBe("é\n");
  });

  it("kills the whole group on timeout and reports timedOut", async () => {
    const marker = `${3000 + Math.random()}`.slice(0, 9);
    const started = Date.now();
    const pending = runProcess("sh", ["-c", `sleep ${marker} & sleep ${marker}; wait`], { timeoutMs: 600 }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 300));
    expect(await running(marker)).toBe(true);
    const err = await pending;
    expect(err).toBeInstanceOf(ProcessError);
    const e = err as ProcessError;
    expect(e.timedOut).toBe(true);
    expect(e.aborted).toBe(false);
    expect(e.message).toMatch(/^sh -c sleep .* timed out/);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await running(marker)).toBe(false);
  });

  it("stops on abort and reports aborted; an already aborted signal starts nothing", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const r = await runProcess("sleep", ["30"], { signal: controller.signal, reject: false });
    expect(r).toMatchObject({ aborted: true, timedOut: false, signal: "SIGTERM", exitCode: null });
    let spawned = false;
    const again = await runProcess("sleep", ["30"], { signal: controller.signal, reject: false, onSpawn: () => (spawned = true) });
    expect(again.aborted).toBe(true);
    expect(spawned).toBe(false);
  });

  it("sends SIGKILL after the grace period to a process that ignores SIGTERM", async () => {
    const controller = new AbortController();
    const script = 'process.on("SIGTERM", () => console.log("ignored TERM")); console.log("ready"); setInterval(() => {}, 1000)';
    const started = Date.now();
    let stoppedAt = 0;
    const r = await runProcess(process.execPath, ["-e", script], {
      signal: controller.signal,
      killGraceMs: 700,
      reject: false,
      onStdout: (t) => {
        if (t.includes("ready") && !stoppedAt) {
          stoppedAt = Date.now();
          controller.abort();
        }
      },
    });
    expect(r.stdoutTail).toContain("ignored TERM");
    expect(r.signal).toBe("SIGKILL");
    expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(650);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("caps the tails however much is printed, and drops a secret cut at the window's edge", async () => {
    const token = "ghs_" + "Zq9".repeat(12);
    // 200k lines, each with a token: memory stays bounded and no half token survives the cut.
    const script = `for (let i = 0; i < 200000; i++) console.log("line " + i + " ${token}")`;
    const r = await runProcess(process.execPath, ["-e", script], { tailChars: 1000 });
    expect(r.stdoutTail.length).toBeLessThanOrEqual(1000);
    expect(r.stdoutTail).toContain("line 199999 [REDACTED]");
    expect(r.stdoutTail).not.toMatch(/Zq9|q9Z|9Zq/);
    expect(r.stdout.length).toBe(0);
  });

  it("fails with tooMuchOutput when kept stdout passes its cap", async () => {
    const err = await runProcess("sh", ["-c", "yes"], { keepStdout: true, maxStdoutBytes: 100_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProcessError);
    expect((err as ProcessError).tooMuchOutput).toBe(true);
  });

  it("reports a binary that cannot be started", async () => {
    const r = await runProcess("/nonexistent/binary", [], { reject: false });
    expect(r.exitCode).toBeNull();
    expect(r.startError).toMatch(/ENOENT/);
    await expect(runProcess("/nonexistent/binary", [])).rejects.toThrow(/could not be started: .*ENOENT/);
  });
});

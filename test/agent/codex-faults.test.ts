// Timeouts, cancellation, crashes and garbage: every way a run can end badly ends with a clear outcome and
// no process left behind.
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { groupAlive, pidsMatching, startCodexRig, waitFor, type CodexRig } from "../helpers/codex.js";

let rig: CodexRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

/** Resolves once the scripted model has received `count` requests. */
function requestsReached(r: CodexRig, count: number): Promise<boolean> {
  return waitFor(() => r.model.requests.length >= count, 20_000);
}

describe("runCodex faults", () => {
  it("kills the whole process group of a run that exceeds its time limit", async () => {
    // A unique marker so that the background process the agent starts can be found afterwards.
    const marker = 900_000 + Math.floor(Math.random() * 99_999);
    rig = await startCodexRig([{ kind: "exec", cmd: `(sleep ${marker} &) ; echo started` }, { kind: "hang" }]);
    let pgid = 0;
    const run = await rig.run({ timeoutMs: 3000, onSpawn: (pid) => (pgid = pid) });

    expect(run.outcome).toBe("timeout");
    expect(run.durationMs).toBeGreaterThanOrEqual(3000);
    expect(run.durationMs).toBeLessThan(8000);
    expect(run.errors.join("\n")).toMatch(/did not finish within 3000 ms/);
    expect(run.commands[0]?.exitCode).toBe(0);
    expect(pgid).toBeGreaterThan(0);
    expect(await waitFor(async () => !(await groupAlive(pgid)))).toBe(true);
    expect(await waitFor(async () => (await pidsMatching(`sleep ${marker}`)).length === 0)).toBe(true);
  });

  it("cancels a run through its AbortSignal", async () => {
    rig = await startCodexRig([{ kind: "hang" }]);
    const controller = new AbortController();
    let pgid = 0;
    const pending = rig.run({ signal: controller.signal, onSpawn: (pid) => (pgid = pid) });
    expect(await requestsReached(rig, 1)).toBe(true);
    controller.abort();
    const run = await pending;
    expect(run.outcome).toBe("cancelled");
    expect(run.durationMs).toBeLessThan(10_000);
    expect(await waitFor(async () => !(await groupAlive(pgid)))).toBe(true);
  });

  it("does not start codex at all when already aborted", async () => {
    rig = await startCodexRig([{ kind: "message", text: "x" }]);
    const run = await rig.run({ signal: AbortSignal.abort() });
    expect(run.outcome).toBe("cancelled");
    expect(rig.model.requests).toHaveLength(0);
  });

  it("reports codex killed mid-run (kill -9) as crashed", async () => {
    rig = await startCodexRig([{ kind: "hang" }]);
    let pgid = 0;
    const pending = rig.run({ onSpawn: (pid) => (pgid = pid) });
    expect(await requestsReached(rig, 1)).toBe(true);
    // Kill the native codex binary (the launcher's child in the same group), as the OOM killer would.
    const native = await nativeCodexPid(pgid);
    process.kill(native, "SIGKILL");
    const run = await pending;
    expect(run.outcome).toBe("crashed");
    expect(run.signal).toBe("SIGKILL");
    expect(run.errors.join("\n")).toContain("killed by SIGKILL");
    expect(await waitFor(async () => !(await groupAlive(pgid)))).toBe(true);
  });

  it("parses garbage on stdout without throwing and counts it", async () => {
    rig = await startCodexRig([{ kind: "message", text: "x" }]);
    const dir = await mkdtemp(path.join(tmpdir(), "fake-codex-"));
    const fake = path.join(dir, "fake-codex");
    // A stand-in binary that prints some valid events among noise, ends without a newline, and exits 0.
    await writeFile(
      fake,
      [
        "#!/bin/sh",
        "echo 'Segmentation fault (core dumped)'",
        `echo '{"type":"thread.started","thread_id":"t-1"}'`,
        "echo '{not json'",
        `echo '{"type":"item.completed","item":{"id":"i","type":"future_item","x":1}}'`,
        "echo '[1,2]'",
        `printf '{"type":"item.completed","item":{"type":"agent_message","text":"partial"}}'`,
        "",
      ].join("\n"),
    );
    await chmod(fake, 0o755);
    try {
      const run = await rig.run({ codexBin: fake });
      expect(run.garbageLines).toBe(3);
      expect(run.threadId).toBe("t-1");
      expect(run.finalMessage).toBe("partial");
      expect(run.outcome).toBe("completed");
      expect(run.errors.filter((e) => e.startsWith("unparseable output line"))).toHaveLength(3);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("reports a binary that exits non-zero with nothing but noise as failed", async () => {
    rig = await startCodexRig([{ kind: "message", text: "x" }]);
    const dir = await mkdtemp(path.join(tmpdir(), "fake-codex-"));
    const fake = path.join(dir, "fake-codex");
    await writeFile(fake, `#!/bin/sh\necho 'panic: oh no'\necho 'token ${rig.grant.token}' >&2\nexit 101\n`);
    await chmod(fake, 0o755);
    try {
      const run = await rig.run({ codexBin: fake });
      expect(run.outcome).toBe("failed");
      expect(run.exitCode).toBe(101);
      expect(run.garbageLines).toBe(1);
      expect(run.errors).toContain("codex exited with code 101");
      // The proxy token is redacted from what we keep.
      expect(run.stderrTail).toContain("token [REDACTED]");
      expect(run.stderrTail).not.toContain(rig.grant.token);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("reports a binary that cannot be started as crashed", async () => {
    rig = await startCodexRig([{ kind: "message", text: "x" }]);
    const run = await rig.run({ codexBin: "/nonexistent/codex" });
    expect(run.outcome).toBe("crashed");
    expect(run.exitCode).toBeNull();
    expect(run.errors.join("\n")).toMatch(/could not be started.*ENOENT/);
  });
});

/** The native codex process in the group `pgid` (the npm launcher runs it as a child on Node 20). */
async function nativeCodexPid(pgid: number): Promise<number> {
  for (const pid of await pidsMatching("codex")) {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    if (Number(fields[2]) === pgid && comm === "codex") return pid;
  }
  // Node 22 replaces the launcher with the binary (execve): then the group leader is codex itself.
  return pgid;
}

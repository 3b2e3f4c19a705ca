import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness } from "../../demo/harness.js";
import { ciFailureScript, setupCiFailure } from "../../demo/scenarios/ci-failure.js";

// Faults of the codex process itself. A broken binary cannot be had from the real one, so these two cases
// put a tiny executable in its place (CODEX_BIN): the only stand-in for codex in the suite.
type AnyJson = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "fake-codex-"));
  // Reachable by the agents' uids, so isolation stays on (without it, the PR's code would get no agent at all).
  await chmod(dir, 0o711);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function triageWith(binScript: string) {
  const bin = path.join(dir, `codex-${Math.random().toString(36).slice(2)}`);
  await writeFile(bin, binScript);
  await chmod(bin, 0o755);
  const h = await startHarness({ script: ciFailureScript(), env: { CODEX_BIN: bin } });
  const setup = await setupCiFailure(h);
  try {
    await h.deliver("workflow_run", setup.payload);
    const record = await h.waitForJob(setup.key, 60_000);
    return { record, comments: h.standIn.snapshot().comments as AnyJson[] };
  } finally {
    await setup.remote.cleanup();
    await h.close();
  }
}

describe("a broken codex binary", () => {
  it("that crashes: the job ends with a readable comment", async () => {
    const { record, comments } = await triageWith('#!/bin/sh\necho \'{"type":"thread.started","thread_id":"t1"}\'\nkill -SEGV $$\n');
    expect(record).toMatchObject({ status: "succeeded", outcome: "agent-failed: crashed" });
    expect(comments).toHaveLength(1);
    expect(comments[0].body).toContain("Codex stopped unexpectedly (signal SIGSEGV)");
  });

  it("that prints garbage: parsed without throwing, reported as unreadable", async () => {
    const { record, comments } = await triageWith("#!/bin/sh\nprintf 'not json\\n\\001\\002 garbage {\\n'\nexit 0\n");
    expect(record.outcome).toMatch(/^agent-failed/);
    expect(comments[0].body).toContain("Codex could not explain this failure");
    expect(comments[0].body).toMatch(/could not be read|without an answer/);
  });
});

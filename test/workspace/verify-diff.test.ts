// The diff policy on real worktree changes: what an agent leaves behind, read by collectChanges.
import { promises as fs } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectChanges } from "../../src/workspace/diff.js";
import { ensureMirror } from "../../src/workspace/mirror.js";
import { checkDiffPolicy } from "../../src/workspace/policy.js";
import { addWorktree } from "../../src/workspace/worktree.js";
import { createBareRemote, type BareRemote } from "../helpers/git-remote.js";

let root: string;
let remote: BareRemote;
let mirror: string;
let n = 0;

beforeAll(async () => {
  root = await fs.mkdtemp(join(tmpdir(), "ws-verify-"));
  remote = await createBareRemote({ files: { "src/sum.js": "export const sum = (a, b) => a - b;\n", "package-lock.json": "{}\n" } });
  mirror = await ensureMirror({ root, repoFullName: "o/r", cloneUrl: remote.url, want: [remote.headSha] });
});
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
  await remote.cleanup();
});

async function verify(edit: (dir: string) => Promise<void>) {
  const wt = await addWorktree({ mirrorPath: mirror, sha: remote.headSha, dir: join(root, `wt${n++}`) });
  try {
    await edit(wt.path);
    return checkDiffPolicy(await collectChanges(wt.path, remote.headSha));
  } finally {
    await wt.remove();
  }
}
const ruleNames = (r: { violations: { rule: string }[] }) => r.violations.map((v) => v.rule);

describe("agent edits through collectChanges and checkDiffPolicy", () => {
  it("accepts a plain fix", async () => {
    const r = await verify((d) => fs.writeFile(join(d, "src/sum.js"), "export const sum = (a, b) => a + b;\n"));
    expect(r.ok).toBe(true);
  });
  it("sees an edit of the same size made in the same second as the checkout (racy git)", async () => {
    for (let i = 0; i < 5; i++) {
      const r = await verify((d) => fs.writeFile(join(d, "src/sum.js"), "export const sum = (a, b) => a * b;\n"));
      expect(r.ok).toBe(true);
      expect(r.empty).toBe(false);
    }
  });
  it("reports no change as empty", async () => {
    const r = await verify(async () => undefined);
    expect(r).toMatchObject({ ok: false, empty: true });
  });
  it("refuses a workflow edit, a symlink escape, a binary and a secret", async () => {
    const r = await verify(async (d) => {
      await fs.mkdir(join(d, ".github/workflows"), { recursive: true });
      await fs.writeFile(join(d, ".github/workflows/ci.yml"), "on: pull_request_target\n");
      await fs.symlink("/etc/shadow", join(d, "shadow"));
      await fs.writeFile(join(d, "blob.bin"), Buffer.from([0, 1, 2, 3]));
      await fs.writeFile(join(d, "src/key.js"), `export const key = "AKIA${"ABCDEFGHIJKLMNOP"}";\n`);
    });
    expect(ruleNames(r).sort()).toEqual(["binary", "secret", "symlink-escape", "workflow"]);
  });
  it("refuses lockfile-only churn", async () => {
    const r = await verify((d) => fs.writeFile(join(d, "package-lock.json"), '{"lockfileVersion": 3}\n'));
    expect(ruleNames(r)).toEqual(["lockfile-only"]);
  });
});

import { promises as fs } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createJobDir, removeJobDir } from "../../src/workspace/job-dir.js";

let root: string;
beforeEach(async () => {
  root = await fs.mkdtemp(join(tmpdir(), "ws-job-"));
});
afterEach(() => fs.rm(root, { recursive: true, force: true }));

describe("job dirs", () => {
  it("lays out logs, codex-home and home (private), and leaves repo/ to the worktree", async () => {
    const job = await createJobDir(root, "triage-42_a.b");
    expect(job.dir).toBe(join(root, "jobs", "triage-42_a.b"));
    for (const p of [job.logs, job.codexHome, job.home]) {
      const st = await fs.stat(p);
      expect(st.isDirectory()).toBe(true);
      expect(st.mode & 0o777).toBe(0o700);
    }
    expect(job.repo).toBe(join(job.dir, "repo"));
    await expect(fs.access(job.repo)).rejects.toThrow();
  });

  it("starts a retry clean and removes the whole dir", async () => {
    const job = await createJobDir(root, "j1");
    await fs.writeFile(join(job.logs, "old.log"), "x");
    await createJobDir(root, "j1");
    await expect(fs.access(join(job.logs, "old.log"))).rejects.toThrow();
    await removeJobDir(root, "j1");
    await expect(fs.access(job.dir)).rejects.toThrow();
  });

  it("rejects job ids that could leave the workspace", async () => {
    for (const id of ["..", ".", "a/b", "../x", "", "-rf", "a b", "x\n"]) {
      await expect(createJobDir(root, id), JSON.stringify(id)).rejects.toThrow(/job id/);
    }
    await expect(fs.readdir(join(root, "jobs"))).rejects.toThrow();
  });
});

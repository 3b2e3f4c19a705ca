import { promises as fs } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runGit } from "../../src/workspace/git.js";
import { createJobDir, removeJobDir } from "../../src/workspace/job-dir.js";
import { ensureMirror } from "../../src/workspace/mirror.js";
import { addWorktree } from "../../src/workspace/worktree.js";
import { createBareRemote, type BareRemote } from "../helpers/git-remote.js";

let root: string;
let remote: BareRemote;

beforeEach(async () => {
  root = await fs.mkdtemp(join(tmpdir(), "ws-worktree-"));
  remote = await createBareRemote({ files: { "app.js": "v1\n" } });
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
  await remote.cleanup();
});

const worktreeList = (mirror: string) => runGit(["worktree", "list", "--porcelain"], { cwd: mirror });

describe("addWorktree", () => {
  it("checks out the exact sha, not the branch head", async () => {
    const first = remote.headSha;
    const second = await remote.commit({ "app.js": "v2\n" }, "v2");
    const mirror = await ensureMirror({ root, repoFullName: "o/r", cloneUrl: remote.url, want: [first] });
    const job = await createJobDir(root, "job-1");
    const wt = await addWorktree({ mirrorPath: mirror, sha: first, dir: job.repo });
    expect(wt.sha).toBe(first);
    expect(await runGit(["rev-parse", "HEAD"], { cwd: wt.path })).toBe(first);
    expect(await fs.readFile(join(wt.path, "app.js"), "utf8")).toBe("v1\n");
    expect(await runGit(["rev-parse", "refs/heads/main"], { cwd: mirror })).toBe(second);
    // Detached: no branch of the mirror is checked out (which would block later fetches of that branch).
    expect(await runGit(["symbolic-ref", "-q", "HEAD"], { cwd: wt.path }).catch((e) => e.exitCode)).toBe(1);
  });

  it("remove() deletes the directory and the registration, and keeps the mirror", async () => {
    const mirror = await ensureMirror({ root, repoFullName: "o/r", cloneUrl: remote.url, want: [remote.headSha] });
    const wt = await addWorktree({ mirrorPath: mirror, sha: remote.headSha, dir: join(root, "wt") });
    await fs.writeFile(join(wt.path, "untracked.txt"), "agent output\n");
    expect(await worktreeList(mirror)).toContain(wt.path);
    await wt.remove();
    await expect(fs.access(wt.path)).rejects.toThrow();
    expect(await worktreeList(mirror)).not.toContain(wt.path);
    expect(await runGit(["rev-parse", "refs/heads/main"], { cwd: mirror })).toBe(remote.headSha);
  });

  it("remove() still deletes the directory when git fails on a broken worktree", async () => {
    const mirror = await ensureMirror({ root, repoFullName: "o/r", cloneUrl: remote.url, want: [remote.headSha] });
    const wt = await addWorktree({ mirrorPath: mirror, sha: remote.headSha, dir: join(root, "wt") });
    await fs.writeFile(join(wt.path, ".git"), "gitdir: /nonexistent\n");
    await wt.remove();
    await expect(fs.access(wt.path)).rejects.toThrow();
    expect(await worktreeList(mirror)).not.toContain(wt.path);
  });

  it("rejects a relative dir and a ref name instead of a sha", async () => {
    const mirror = await ensureMirror({ root, repoFullName: "o/r", cloneUrl: remote.url, want: [] });
    await expect(addWorktree({ mirrorPath: mirror, sha: remote.headSha, dir: "rel" })).rejects.toThrow(/absolute/);
    await expect(addWorktree({ mirrorPath: mirror, sha: "main", dir: join(root, "x") })).rejects.toThrow(/sha/);
  });

  it("concurrent jobs on one repository leave a healthy mirror and correct worktrees", async () => {
    const shas = [remote.headSha];
    for (let round = 0; round < 4; round++) {
      shas.push(await remote.commit({ "app.js": `round ${round}\n`, [`f${round}.txt`]: "x\n" }, `round ${round}`));
      const jobs = shas.slice(-3).map(async (sha, i) => {
        const mirror = await ensureMirror({ root, repoFullName: "o/r", cloneUrl: remote.url, want: [sha] });
        const job = await createJobDir(root, `r${round}-j${i}`);
        const wt = await addWorktree({ mirrorPath: mirror, sha, dir: job.repo });
        return { wt, mirror, job };
      });
      const done = await Promise.all(jobs);
      for (const { wt } of done) {
        expect(await runGit(["rev-parse", "HEAD"], { cwd: wt.path })).toBe(wt.sha);
        expect(await runGit(["status", "--porcelain"], { cwd: wt.path })).toBe("");
      }
      const mirror = done[0]!.mirror;
      await runGit(["fsck", "--strict", "--no-progress"], { cwd: mirror });
      await Promise.all(done.map(({ wt }, i) => wt.remove().then(() => removeJobDir(root, `r${round}-j${i}`))));
      expect((await worktreeList(mirror)).split("\n").filter((l) => l.startsWith("worktree "))).toHaveLength(1);
    }
  });
});

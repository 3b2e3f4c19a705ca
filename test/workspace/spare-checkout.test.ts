import { promises as fs } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { collectChanges } from "../../src/workspace/diff.js";
import { runGit } from "../../src/workspace/git.js";
import { createJobDir } from "../../src/workspace/job-dir.js";
import { sparesDirFor } from "../../src/workspace/layout.js";
import { ensureMirror } from "../../src/workspace/mirror.js";
import { leaveSpare } from "../../src/workspace/spare-checkout.js";
import { addWorktree } from "../../src/workspace/worktree.js";
import { createBareRemote, type BareRemote } from "../helpers/git-remote.js";

// Spare checkouts with real git: what a job gets from one must be what a fresh worktree gives it.
let root: string;
let remote: BareRemote;

beforeEach(async () => {
  root = await fs.mkdtemp(join(tmpdir(), "ws-spare-"));
  remote = await createBareRemote({ files: { "app.js": "v1\n", "old.txt": "old\n", "lib/util.js": "u1\n" } });
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
  await remote.cleanup();
});

const mirrorAt = (sha: string) => ensureMirror({ root, repoFullName: "o/r", cloneUrl: remote.url, want: [sha] });
const ready = async (mirror: string) => (await fs.readdir(sparesDirFor(mirror).dir).catch(() => [])).filter((n) => n.endsWith(".ready"));
const worktrees = async (mirror: string) =>
  (await runGit(["worktree", "list", "--porcelain"], { cwd: mirror })).split("\n").filter((l) => l.startsWith("worktree "));

async function job(sha: string, name: string) {
  const mirror = await mirrorAt(sha);
  const dir = (await createJobDir(root, name)).repo;
  return { mirror, wt: await addWorktree({ mirrorPath: mirror, sha, dir, spare: true }) };
}

describe("spare checkouts", () => {
  it("a job's end leaves one; the next job takes it and gets exactly its own commit", async () => {
    const first = await job(remote.headSha, "j1");
    expect(await ready(first.mirror)).toEqual([]);
    await first.wt.remove();
    expect(await ready(first.mirror)).toHaveLength(1);
    expect((await fs.stat(sparesDirFor(first.mirror).top)).mode & 0o777).toBe(0o700);

    const next = await remote.commit({ "app.js": "v2\n", "new/added.js": "n\n", "old.txt": null }, "v2");
    const second = await job(next, "j2");
    // Taken: no spare is left until this job ends.
    expect(await ready(second.mirror)).toEqual([]);
    const dir = second.wt.path;
    expect(await runGit(["rev-parse", "HEAD"], { cwd: dir })).toBe(next);
    expect(await fs.readFile(join(dir, "app.js"), "utf8")).toBe("v2\n");
    expect(await fs.readFile(join(dir, "new/added.js"), "utf8")).toBe("n\n");
    await expect(fs.access(join(dir, "old.txt"))).rejects.toThrow();
    expect(await runGit(["status", "--porcelain", "--untracked-files=all", "--ignored"], { cwd: dir })).toBe("");
    expect(await runGit(["symbolic-ref", "-q", "HEAD"], { cwd: dir }).catch((e: { exitCode: number }) => e.exitCode)).toBe(1);
    // Nothing in the job's history says where the spare was before (the mirror keeps no reflogs).
    expect(await runGit(["reflog", "show", "HEAD"], { cwd: dir }).catch(() => "")).not.toContain(remote.headSha.slice(0, 7));
    // The fix pipeline's diff sees the agent's change against the commit.
    await fs.writeFile(join(dir, "app.js"), "v3\n");
    expect((await collectChanges(dir, next)).map((c) => c.path)).toEqual(["app.js"]);
    await second.wt.remove();
    expect(await worktrees(second.mirror)).toHaveLength(2); // the mirror and the new spare
    expect(await ready(second.mirror)).toHaveLength(1);
  });

  it("a half-made spare (its maker died before the marker) is never handed out, and is swept", async () => {
    const mirror = await mirrorAt(remote.headSha);
    const spares = sparesDirFor(mirror).dir;
    await fs.mkdir(spares, { recursive: true });
    // pid 2^22+1 is above Linux's pid_max: no such process.
    const dead = join(spares, "4194305-deadbeef");
    await runGit(["worktree", "add", "--quiet", "--no-checkout", "--detach", dead, remote.headSha], { cwd: mirror });
    const wt = await addWorktree({ mirrorPath: mirror, sha: remote.headSha, dir: join(root, "wt"), spare: true });
    expect(await fs.readFile(join(wt.path, "app.js"), "utf8")).toBe("v1\n");
    await fs.access(dead); // still there: not taken
    await wt.remove();
    await expect(fs.access(dead)).rejects.toThrow();
    expect(await ready(mirror)).toHaveLength(1);
    expect(await worktrees(mirror)).toHaveLength(2);
  });

  it("a spare that cannot be used (its .git file broken) is thrown away and the job gets a fresh worktree", async () => {
    const mirror = await mirrorAt(remote.headSha);
    await leaveSpare(mirror, remote.headSha);
    const [marker] = await ready(mirror);
    const spare = join(sparesDirFor(mirror).dir, marker!.replace(/\.ready$/, ""));
    await fs.writeFile(join(spare, ".git"), "gitdir: /nonexistent\n");
    const wt = await addWorktree({ mirrorPath: mirror, sha: remote.headSha, dir: join(root, "wt"), spare: true });
    expect(await runGit(["status", "--porcelain"], { cwd: wt.path })).toBe("");
    await expect(fs.access(spare)).rejects.toThrow();
    expect(await ready(mirror)).toEqual([]);
    await wt.remove();
  });

  it("a big spare's index is settled, and a same-size change made at once after the take still shows", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 1500; i++) files[`src/f${i}.js`] = `export const v${i} = ${i};\n`;
    const sha = await remote.commit(files, "many files");
    const mirror = await mirrorAt(sha);
    await leaveSpare(mirror, sha);
    const [marker] = await ready(mirror);
    const spare = join(sparesDirFor(mirror).dir, marker!.replace(/\.ready$/, ""));
    // Settled: the index was written in a later second than every file, so git trusts their stat data.
    const index = await fs.stat(resolve(spare, await runGit(["rev-parse", "--git-path", "index"], { cwd: spare })));
    const newest = Math.max(...(await Promise.all(Object.keys(files).map(async (f) => (await fs.stat(join(spare, f))).mtimeMs))));
    expect(Math.floor(index.mtimeMs / 1000)).toBeGreaterThan(Math.floor(newest / 1000));
    const wt = await addWorktree({ mirrorPath: mirror, sha, dir: join(root, "wt"), spare: true });
    // Same length, same second: only the content (or a racily-clean check) tells them apart.
    await fs.writeFile(join(wt.path, "src/f7.js"), "export const v7 = 8;\n");
    expect(await runGit(["status", "--porcelain"], { cwd: wt.path })).toBe(" M src/f7.js");
    await wt.remove();
  });
});

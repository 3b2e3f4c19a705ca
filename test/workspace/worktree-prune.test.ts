import { promises as fs } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runGit } from "../../src/workspace/git.js";
import { ensureMirror } from "../../src/workspace/mirror.js";
import { addWorktree } from "../../src/workspace/worktree.js";
import { createBareRemote, type BareRemote } from "../helpers/git-remote.js";

// ensureMirror drops worktrees whose directory is gone (they pin commits), and starts git for it only then.
let root: string;
let remote: BareRemote;

beforeEach(async () => {
  root = await fs.mkdtemp(join(tmpdir(), "ws-prune-"));
  remote = await createBareRemote({ files: { "app.js": "v1\n" } });
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
  await remote.cleanup();
});

const fetchMirror = () => ensureMirror({ root, repoFullName: "o/r", cloneUrl: remote.url, want: [remote.headSha] });
const listed = async (mirror: string) =>
  (await runGit(["worktree", "list", "--porcelain"], { cwd: mirror })).split("\n").filter((l) => l.startsWith("worktree "));

describe("pruning stale worktrees before a fetch", () => {
  it("drops a worktree whose directory was deleted without remove(), and keeps the live one", async () => {
    const mirror = await fetchMirror();
    const live = await addWorktree({ mirrorPath: mirror, sha: remote.headSha, dir: join(root, "live") });
    const gone = await addWorktree({ mirrorPath: mirror, sha: remote.headSha, dir: join(root, "gone") });
    await fs.rm(gone.path, { recursive: true });
    expect(await listed(mirror)).toHaveLength(3);
    await fetchMirror();
    expect(await listed(mirror)).toEqual([`worktree ${mirror}`, `worktree ${live.path}`]);
    await live.remove();
  });

  it("drops a registration whose gitdir file is unreadable or empty", async () => {
    const mirror = await fetchMirror();
    const wt = await addWorktree({ mirrorPath: mirror, sha: remote.headSha, dir: join(root, "wt") });
    const admin = (await runGit(["rev-parse", "--git-dir"], { cwd: wt.path })).trim();
    await fs.writeFile(join(admin, "gitdir"), "");
    await fetchMirror();
    expect(await listed(mirror)).toEqual([`worktree ${mirror}`]);
    await wt.remove();
  });
});

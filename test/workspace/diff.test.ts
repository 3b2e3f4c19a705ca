import { promises as fs } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { collectChanges, type Change } from "../../src/workspace/diff.js";
import { runGit } from "../../src/workspace/git.js";
import { ensureMirror } from "../../src/workspace/mirror.js";
import { addWorktree, type Worktree } from "../../src/workspace/worktree.js";
import { createBareRemote, type BareRemote } from "../helpers/git-remote.js";

let root: string;
let remote: BareRemote;
let wt: Worktree;

beforeEach(async () => {
  root = await fs.mkdtemp(join(tmpdir(), "ws-diff-"));
  remote = await createBareRemote({
    files: {
      "src/app.js": "const a = 1;\nconst b = 2;\n",
      "src/old-name.js": "module.exports = 'a file long enough to be detected as renamed';\n",
      "docs/gone.md": "# gone\n",
      ".gitignore": "dist/\n",
    },
  });
  const mirror = await ensureMirror({ root, repoFullName: "o/r", cloneUrl: remote.url, want: [remote.headSha] });
  wt = await addWorktree({ mirrorPath: mirror, sha: remote.headSha, dir: join(root, "wt") });
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
  await remote.cleanup();
});

const byPath = (changes: Change[]) => Object.fromEntries(changes.map((c) => [c.path, c]));

describe("collectChanges", () => {
  it("reports nothing for an untouched worktree", async () => {
    expect(await collectChanges(wt.path, remote.headSha)).toEqual([]);
  });

  it("sees modified, added (untracked), deleted, renamed, executable, symlink and binary files", async () => {
    const p = (f: string) => join(wt.path, f);
    await fs.writeFile(p("src/app.js"), "const a = 1;\nconst b = 3;\nconst c = 4;\n");
    await fs.writeFile(p("src/new.js"), "export {};\n");
    await fs.rm(p("docs/gone.md"));
    await fs.rename(p("src/old-name.js"), p("src/new-name.js"));
    await fs.writeFile(p("run.sh"), "#!/bin/sh\necho hi\n", { mode: 0o755 });
    await fs.symlink("../etc/passwd", p("src/link"));
    await fs.writeFile(p("logo.png"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02]));
    await fs.mkdir(p("dist"));
    await fs.writeFile(p("dist/ignored.js"), "ignored\n");

    const realIndexBefore = await runGit(["ls-files", "--stage"], { cwd: wt.path });
    const changes = byPath(await collectChanges(wt.path, remote.headSha));
    expect(Object.keys(changes).sort()).toEqual(
      ["docs/gone.md", "logo.png", "run.sh", "src/app.js", "src/link", "src/new-name.js", "src/new.js"].sort(),
    );
    expect(changes["src/app.js"]).toMatchObject({ status: "modified", mode: "100644", added: 2, removed: 1, isBinary: false });
    expect(changes["src/app.js"]!.addedLines).toEqual(["const b = 3;", "const c = 4;"]);
    expect(changes["src/app.js"]!.content!.toString()).toBe("const a = 1;\nconst b = 3;\nconst c = 4;\n");
    expect(changes["src/new.js"]).toMatchObject({ status: "added", added: 1, addedLines: ["export {};"] });
    expect(changes["docs/gone.md"]).toMatchObject({ status: "deleted", mode: "100644", removed: 1, addedLines: [] });
    expect(changes["docs/gone.md"]!.content).toBeUndefined();
    expect(changes["src/new-name.js"]).toMatchObject({ status: "renamed", oldPath: "src/old-name.js", added: 0, removed: 0 });
    expect(changes["run.sh"]).toMatchObject({ status: "added", mode: "100755" });
    expect(changes["src/link"]).toMatchObject({ status: "added", mode: "120000", symlinkTarget: "../etc/passwd" });
    expect(changes["logo.png"]).toMatchObject({ status: "added", isBinary: true, addedLines: [] });
    expect(changes["logo.png"]!.content).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02]));

    // The worktree's own index is untouched: nothing was staged in it.
    expect(await runGit(["ls-files", "--stage"], { cwd: wt.path })).toBe(realIndexBefore);
    expect(await runGit(["diff", "--cached", "--name-only"], { cwd: wt.path })).toBe("");
  });

  it("compares against the given base, not HEAD, and ignores what was staged", async () => {
    await fs.writeFile(join(wt.path, "src/app.js"), "changed\n");
    await runGit(["add", "src/app.js"], { cwd: wt.path });
    await fs.writeFile(join(wt.path, "src/app.js"), "const a = 1;\nconst b = 2;\n");
    expect(await collectChanges(wt.path, remote.headSha)).toEqual([]);
  });

  it("reports a nested repository as a gitlink", async () => {
    const nested = join(wt.path, "vendor/lib");
    await fs.mkdir(nested, { recursive: true });
    await runGit(["init", "--quiet", nested], { cwd: wt.path });
    await fs.writeFile(join(nested, "x"), "x\n");
    await runGit(["add", "x"], { cwd: nested });
    await runGit(["-c", "user.name=a", "-c", "user.email=a@b", "commit", "--quiet", "-m", "x"], { cwd: nested });
    const changes = await collectChanges(wt.path, remote.headSha);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ path: "vendor/lib", mode: "160000", status: "added" });
  });

  it("rejects a base that is not a sha", async () => {
    await expect(collectChanges(wt.path, "HEAD~1")).rejects.toThrow(/sha/);
  });
});

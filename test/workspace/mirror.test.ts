import { promises as fs } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runGit } from "../../src/workspace/git.js";
import { ensureMirror, MissingCommitError, mirrorPathFor } from "../../src/workspace/mirror.js";
import { createBareRemote, type BareRemote } from "../helpers/git-remote.js";

let root: string;
let remote: BareRemote;

beforeEach(async () => {
  root = await fs.mkdtemp(join(tmpdir(), "ws-mirror-"));
  remote = await createBareRemote({ files: { "README.md": "hello\n", "src/a.js": "export const a = 1;\n" } });
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
  await remote.cleanup();
});

describe("ensureMirror", () => {
  it("creates a bare mirror under <root>/mirrors/<owner>/<name>.git with the branch heads", async () => {
    const path = await ensureMirror({ root, repoFullName: "octo/app", cloneUrl: remote.url, want: [remote.headSha] });
    expect(path).toBe(join(root, "mirrors", "octo", "app.git"));
    expect(await runGit(["rev-parse", "--is-bare-repository"], { cwd: path })).toBe("true");
    expect(await runGit(["rev-parse", "refs/heads/main"], { cwd: path })).toBe(remote.headSha);
    // Nothing about the remote is stored: no remote section, no FETCH_HEAD.
    expect(await fs.readFile(join(path, "config"), "utf8")).not.toContain(remote.url);
    await expect(fs.access(join(path, "FETCH_HEAD"))).rejects.toThrow();
  });

  it("accepts a file:// URL and picks up a new commit on the second fetch", async () => {
    const url = `file://${remote.url}`;
    const path = await ensureMirror({ root, repoFullName: "octo/app", cloneUrl: url, want: [] });
    const next = await remote.commit({ "src/a.js": "export const a = 2;\n" }, "second");
    await expect(runGit(["cat-file", "-e", `${next}^{commit}`], { cwd: path })).rejects.toThrow();
    await ensureMirror({ root, repoFullName: "octo/app", cloneUrl: url, want: [next] });
    expect(await runGit(["rev-parse", "refs/heads/main"], { cwd: path })).toBe(next);
  });

  it("fetches PR heads from refs/pull/*/head", async () => {
    const pr = await remote.commit({ "src/b.js": "b\n" }, "pr commit", "refs/pull/7/head");
    const path = await ensureMirror({ root, repoFullName: "octo/app", cloneUrl: remote.url, want: [pr] });
    expect(await runGit(["rev-parse", "refs/pull/7/head"], { cwd: path })).toBe(pr);
  });

  it("fetches a wanted sha that no fetched ref points to", async () => {
    const hidden = await remote.commit({ "x.txt": "x\n" }, "hidden", "refs/keep/one");
    const path = await ensureMirror({ root, repoFullName: "octo/app", cloneUrl: remote.url, want: [hidden] });
    await expect(runGit(["cat-file", "-e", `${hidden}^{commit}`], { cwd: path })).resolves.toBe("");
  });

  it("says clearly when a wanted sha is not on the remote", async () => {
    const ghost = "0123456789abcdef0123456789abcdef01234567";
    const err = await ensureMirror({ root, repoFullName: "octo/app", cloneUrl: remote.url, want: [ghost] }).catch((e) => e);
    expect(err).toBeInstanceOf(MissingCommitError);
    expect(String(err.message)).toContain(ghost);
  });

  it("rejects unsafe repository names and bad shas", async () => {
    for (const name of ["../etc", "a/b/c", "octo/..", "octo", "octo/a b", "-x/y", ""]) {
      expect(() => mirrorPathFor(root, name), name).toThrow(/ensureMirror/);
    }
    await expect(ensureMirror({ root, repoFullName: "octo/app", cloneUrl: remote.url, want: ["HEAD"] })).rejects.toThrow(/sha/);
    await expect(ensureMirror({ root, repoFullName: "octo/app", cloneUrl: "--upload-pack=x", want: [] })).rejects.toThrow(/cloneUrl/);
  });
});

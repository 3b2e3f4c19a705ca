import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createBareRemote, type BareRemote } from "../../src/workspace/bare-remote.js";
import { commitsInHistory } from "../../src/workspace/history-commits.js";
import { runGit } from "../../src/workspace/git.js";
import { ensureMirror } from "../../src/workspace/mirror.js";

// Real git: a remote with a history on main and a commit on a PR ref that main never saw.
let remote: BareRemote;
let root: string;
let mirror: string;
let early: string;
let head: string;
let prOnly: string;

beforeAll(async () => {
  remote = await createBareRemote({ files: { "a.txt": "1\n" } });
  early = await remote.commit({ "b.txt": "retries: 2\n" }, "Retry twice (VEND-4411)");
  head = await remote.commit({ "a.txt": "2\n" }, "Unrelated");
  prOnly = await remote.commit({ "c.txt": "x\n" }, "Someone's PR", "refs/pull/9/head");
  root = await mkdtemp(path.join(tmpdir(), "history-commits-"));
  mirror = await ensureMirror({ root, repoFullName: "octo/app", cloneUrl: remote.url, want: [head, prOnly] });
});
afterAll(async () => {
  await remote?.cleanup();
  if (root) await rm(root, { recursive: true, force: true });
});

describe("commitsInHistory", () => {
  it("the mirror the agents read holds the full history (not shallow), so old commits are there to cite", async () => {
    expect(await runGit(["rev-parse", "--is-shallow-repository"], { cwd: mirror })).toBe("false");
    expect(await runGit(["rev-list", "--count", head], { cwd: mirror })).toBe("3");
  });

  it("resolves full and abbreviated shas of the checked-out history to full shas", async () => {
    const found = await commitsInHistory(mirror, head, [early, head.slice(0, 7).toUpperCase(), remote.headSha.slice(0, 10)]);
    expect(found.get(early)).toBe(early);
    expect(found.get(head.slice(0, 7))).toBe(head);
    expect(found.get(remote.headSha.slice(0, 10))).toBe(remote.headSha);
  });

  it("leaves out a made-up sha, a commit outside the history (another PR's), a later commit, and non-hex text", async () => {
    const found = await commitsInHistory(mirror, early, ["deadbeefcafe", prOnly, head, "HEAD~1", "--all", "main"]);
    expect([...found.keys()]).toEqual([]);
  });
});

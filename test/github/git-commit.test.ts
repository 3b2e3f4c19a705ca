import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isAppCommit, type GitCommit } from "../../src/github/app-commit.js";
import { botBranchName, getBranchHead, isBranchProtected, validateBotBranch } from "../../src/github/branches.js";
import { GitHubError } from "../../src/github/errors.js";
import { BranchMovedError, commitChanges, RefusedBranchError } from "../../src/github/git-commit.js";
import { toCommitChanges } from "../../src/github/tree-changes.js";
import type { Change } from "../../src/workspace/diff.js";
import { API, assertAllMocksUsed, testClient, useNock } from "./client.js";

const R = "/repos/acme/app";
const BRANCH = "codex/fix/issue-12";
const BRANCH_PATH = encodeURIComponent(BRANCH);
const sha = (c: string) => c.repeat(40);
const BASE = sha("b");
const BASE_TREE = sha("1");
const NEW_TREE = sha("2");
const BOT = { name: "codex-dispatch[bot]", email: "4200000+codex-dispatch[bot]@users.noreply.github.com", date: "2026-01-01T00:00:00Z" };
const WEB_FLOW = { name: "GitHub", email: "noreply@github.com", date: "2026-01-01T00:00:00Z" };
const ALICE = { name: "Alice", email: "alice@example.com", date: "2026-01-01T00:00:00Z" };

function commit(s: string, tree: string, parents: string[], who: "app" | "human" | "web-editor" = "app") {
  return {
    sha: s,
    tree: { sha: tree },
    parents: parents.map((p) => ({ sha: p })),
    author: who === "app" ? BOT : ALICE,
    committer: who === "human" ? ALICE : WEB_FLOW,
    verification: { verified: who !== "human", reason: who === "human" ? "unsigned" : "valid" },
    message: "m",
  };
}

const changes = [
  { path: "src/a.ts", mode: "100644" as const, content: Buffer.from("export const a = 2;\n") },
  { path: "bin/run", mode: "100755" as const, content: Buffer.from("#!/bin/sh\necho hi\n") },
  { path: "src/old.ts", mode: "100644" as const, content: null },
];
const params = { owner: "acme", repo: "app", branch: BRANCH, baseSha: BASE, message: "Fix the flaky test", changes };

/** The requests every commit starts with: the repository (default branch) and the branch (head, protection). */
function preamble(scope: nock.Scope, branch: { head: string; protected?: boolean } | null, defaultBranch = "main") {
  scope.get(R).reply(200, { default_branch: defaultBranch });
  if (branch)
    scope
      .get(`${R}/branches/${BRANCH_PATH}`)
      .reply(200, { name: BRANCH, commit: { sha: branch.head }, protected: branch.protected ?? false });
  else scope.get(`${R}/branches/${BRANCH_PATH}`).reply(404, { message: "Branch not found" });
  return scope;
}

/** Blobs for the two files (base64 of their exact bytes), then the tree on the base tree. */
function treeWrites(scope: nock.Scope, bodies: unknown[], treeSha = NEW_TREE) {
  for (const [i, c] of changes.slice(0, 2).entries()) {
    scope
      .post(`${R}/git/blobs`, (body) => body.encoding === "base64" && Buffer.from(body.content, "base64").equals(c.content!))
      .reply(201, { sha: sha(String(i + 3)) });
  }
  scope.post(`${R}/git/trees`, (body) => (bodies.push(body), true)).reply(201, { sha: treeSha });
  return scope;
}

describe("commitChanges through the Git Data API", () => {
  beforeEach(useNock);
  afterEach(assertAllMocksUsed);

  it("creates the branch: blobs, a tree on the base tree with the deletion, an unsigned-by-us commit, a new ref", async () => {
    const bodies: unknown[] = [];
    const scope = preamble(nock(API), null);
    scope.get(`${R}/git/commits/${BASE}`).reply(200, commit(BASE, BASE_TREE, [sha("a")], "human"));
    treeWrites(scope, bodies);
    scope.post(`${R}/git/commits`, (body) => (bodies.push(body), true)).reply(201, { sha: sha("c") });
    scope.post(`${R}/git/refs`, (body) => (bodies.push(body), true)).reply(201, { ref: `refs/heads/${BRANCH}` });

    expect(await commitChanges(testClient(), params)).toEqual({ commitSha: sha("c"), created: true });
    expect(bodies).toEqual([
      {
        base_tree: BASE_TREE,
        tree: [
          { path: "src/a.ts", mode: "100644", type: "blob", sha: sha("3") },
          { path: "bin/run", mode: "100755", type: "blob", sha: sha("4") },
          { path: "src/old.ts", mode: "100644", type: "blob", sha: null },
        ],
      },
      // No author or committer: GitHub then signs the commit as the App (Verified).
      { message: "Fix the flaky test", tree: NEW_TREE, parents: [BASE] },
      { ref: `refs/heads/${BRANCH}`, sha: sha("c") },
    ]);
  });

  it("a retry after a crash finds its own commit (same tree, same parent) and pushes nothing", async () => {
    const C = sha("c");
    for (const expectedHead of [undefined, null]) {
      const scope = preamble(nock(API), { head: C });
      scope.get(`${R}/git/commits/${C}`).reply(200, commit(C, NEW_TREE, [BASE]));
      scope.get(`${R}/git/commits/${BASE}`).reply(200, commit(BASE, BASE_TREE, []));
      treeWrites(scope, []);
      expect(await commitChanges(testClient(), { ...params, expectedHead })).toEqual({ commitSha: C, created: false });
      assertAllMocksUsed();
    }
  });

  it("builds on the head it pushed last and moves the ref forward only (force: false)", async () => {
    const H = sha("d");
    const bodies: unknown[] = [];
    const scope = preamble(nock(API), { head: H });
    scope.get(`${R}/git/commits/${H}`).reply(200, commit(H, BASE_TREE, [BASE], "human"));
    treeWrites(scope, bodies);
    scope.post(`${R}/git/commits`, (body) => (bodies.push(body), true)).reply(201, { sha: sha("e") });
    scope.patch(`${R}/git/refs/${encodeURIComponent(`heads/${BRANCH}`)}`, (body) => (bodies.push(body), true)).reply(200, {});

    // The worktree was checked out at the branch head: the head is both base and parent.
    const result = await commitChanges(testClient(), { ...params, baseSha: H, expectedHead: H });
    expect(result).toEqual({ commitSha: sha("e"), created: true });
    expect(bodies.slice(1)).toEqual([
      { message: "Fix the flaky test", tree: NEW_TREE, parents: [H] },
      { sha: sha("e"), force: false },
    ]);
  });

  it("merges a base that moved on, so the PR diff stays exactly the changes", async () => {
    const H = sha("d");
    const bodies: unknown[] = [];
    const scope = preamble(nock(API), { head: H });
    scope.get(`${R}/git/commits/${H}`).reply(200, commit(H, sha("9"), [sha("a")]));
    scope.get(`${R}/git/commits/${BASE}`).reply(200, commit(BASE, BASE_TREE, [sha("a")], "human"));
    treeWrites(scope, bodies);
    scope.post(`${R}/git/commits`, (body) => (bodies.push(body), true)).reply(201, { sha: sha("e") });
    scope.patch(`${R}/git/refs/${encodeURIComponent(`heads/${BRANCH}`)}`).reply(200, {});
    // expectedHead undefined: the head is an App commit, so it is ours to build on.
    await commitChanges(testClient(), params);
    expect(bodies[1]).toEqual({ message: "Fix the flaky test", tree: NEW_TREE, parents: [H, BASE] });
  });

  it("never overwrites a person's commit: BranchMovedError before anything is written", async () => {
    const H = sha("f");
    for (const who of ["human", "web-editor"] as const) {
      const scope = preamble(nock(API), { head: H });
      scope.get(`${R}/git/commits/${H}`).reply(200, commit(H, sha("9"), [sha("a")], who));
      const error = await commitChanges(testClient(), params).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BranchMovedError);
      expect(error).toMatchObject({ branch: BRANCH, head: H, expectedHead: undefined });
      assertAllMocksUsed();
    }
    // A stored expectedHead that is not the head: someone pushed, even when the head looks like the App's.
    const scope = preamble(nock(API), { head: H });
    scope.get(`${R}/git/commits/${H}`).reply(200, commit(H, sha("9"), [sha("a")]));
    await expect(commitChanges(testClient(), { ...params, expectedHead: sha("c") })).rejects.toMatchObject({
      name: "BranchMovedError",
      head: H,
    });
  });

  it("a person's commit on top of the bot's: the tree is compared, then refused without a commit or a ref move", async () => {
    const C = sha("c");
    const H = sha("f");
    const scope = preamble(nock(API), { head: H });
    scope.get(`${R}/git/commits/${H}`).reply(200, commit(H, sha("9"), [C], "human"));
    scope.get(`${R}/git/commits/${BASE}`).reply(200, commit(BASE, BASE_TREE, []));
    treeWrites(scope, []);
    await expect(commitChanges(testClient(), { ...params, expectedHead: C })).rejects.toBeInstanceOf(BranchMovedError);
  });

  it("turns a lost race on the ref (422) into BranchMovedError naming the new head", async () => {
    const scope = preamble(nock(API), null);
    scope.get(`${R}/git/commits/${BASE}`).reply(200, commit(BASE, BASE_TREE, []));
    treeWrites(scope, []);
    scope.post(`${R}/git/commits`).reply(201, { sha: sha("c") });
    scope.post(`${R}/git/refs`).reply(422, { message: "Reference already exists" });
    scope.get(`${R}/branches/${BRANCH_PATH}`).reply(200, { commit: { sha: sha("f") }, protected: false });
    await expect(commitChanges(testClient(), params)).rejects.toMatchObject({ name: "BranchMovedError", head: sha("f") });
  });

  it("refuses protected branches and the default branch", async () => {
    preamble(nock(API), { head: sha("c"), protected: true });
    const protectedError = await commitChanges(testClient(), params).catch((e: unknown) => e);
    expect(protectedError).toBeInstanceOf(RefusedBranchError);
    expect(protectedError).toMatchObject({ reason: "protected" });
    assertAllMocksUsed();

    nock(API).get(R).reply(200, { default_branch: BRANCH });
    await expect(commitChanges(testClient(), params)).rejects.toMatchObject({ name: "RefusedBranchError", reason: "default" });
  });

  it("rejects bad input before any request", async () => {
    const gh = testClient();
    await expect(commitChanges(gh, { ...params, branch: "main" })).rejects.toThrow(/must start with "codex\/"/);
    await expect(commitChanges(gh, { ...params, changes: [] })).rejects.toThrow(/no changes/);
    await expect(commitChanges(gh, { ...params, changes: [{ path: "../x", mode: "100644", content: Buffer.from("") }] })).rejects.toThrow(
      /'\.\.'/,
    );
    await expect(
      commitChanges(gh, { ...params, changes: [{ path: ".git/hooks/pre-commit", mode: "100755", content: Buffer.from("") }] }),
    ).rejects.toThrow(/\.git/);
    await expect(commitChanges(gh, { ...params, changes: [changes[0]!, changes[0]!] })).rejects.toThrow(/only once/);
    await expect(
      commitChanges(gh, { ...params, changes: [{ path: "vendor/lib", mode: "160000" as "100644", content: null }] }),
    ).rejects.toThrow(/gitlinks/);
    await expect(commitChanges(gh, { ...params, baseSha: "main" })).rejects.toThrow(/hex/);
    await expect(commitChanges(gh, { ...params, message: "  " })).rejects.toThrow(/message is empty/);
  });

  it("passes other GitHub failures through as GitHubError", async () => {
    nock(API).get(R).reply(500, { message: "boom" });
    await expect(commitChanges(testClient(), params)).rejects.toBeInstanceOf(GitHubError);
  });
});

describe("branch look-ups", () => {
  beforeEach(useNock);
  afterEach(assertAllMocksUsed);

  it("reads the head of a branch and its protection; a missing branch is null and unprotected", async () => {
    nock(API)
      .get(`${R}/git/ref/${encodeURIComponent(`heads/${BRANCH}`)}`)
      .reply(200, { ref: `refs/heads/${BRANCH}`, object: { sha: sha("c"), type: "commit" } })
      .get(`${R}/git/ref/${encodeURIComponent("heads/codex/fix/none")}`)
      .reply(404, { message: "Not Found" })
      .get(`${R}/branches/${BRANCH_PATH}`)
      .reply(200, { commit: { sha: sha("c") }, protected: true })
      .get(`${R}/branches/${encodeURIComponent("codex/fix/none")}`)
      .reply(404, { message: "Branch not found" })
      .get(`${R}/git/ref/${encodeURIComponent("heads/codex/fix/err")}`)
      .reply(403, { message: "Resource not accessible by integration" });
    const gh = testClient();
    const repo = { owner: "acme", repo: "app" };
    expect(await getBranchHead(gh, { ...repo, branch: BRANCH })).toBe(sha("c"));
    expect(await getBranchHead(gh, { ...repo, branch: "codex/fix/none" })).toBeNull();
    expect(await isBranchProtected(gh, { ...repo, branch: BRANCH })).toBe(true);
    expect(await isBranchProtected(gh, { ...repo, branch: "codex/fix/none" })).toBe(false);
    await expect(getBranchHead(gh, { ...repo, branch: "codex/fix/err" })).rejects.toMatchObject({ status: 403 });
  });
});

describe("bot branch names", () => {
  it("accepts codex/<kind>/<key> names", () => {
    for (const name of ["codex/fix/12", "codex/ci/acme.app/run-7_a", "codex/maintenance/refresh-docs"])
      expect(validateBotBranch(name)).toBe(name);
  });

  it.each([
    ["main", /must start with/],
    ["codex/fix", /codex\/<kind>\/<key>/],
    ["codex/fix/-rf", /starts with '-'/],
    ["codex/-x/1", /starts with '-'/],
    ["codex/fix/a..b", /'\.\.'/],
    ["codex/fix//a", /'\/\/'/],
    ["codex/fix/a/", /ends with '\/'/],
    ["codex/fix/a.lock", /\.lock/],
    ["codex/fix/a.lock/b", /\.lock/],
    ["codex/fix/.hidden", /starts with '\.'/],
    ["codex/fix/a.", /ends with '\.'/],
    ["codex/fix/a b", /only letters/],
    ["codex/fix/$(id)", /only letters/],
    ["codex/fix/a\u0007", /control/],
    ["codex/fix/caf\u00e9", /non-ASCII/],
    ["codex/fix/a\u202eb", /non-ASCII/],
    [`codex/fix/${"a".repeat(200)}`, /longer than 200/],
    ["", /empty/],
  ])("refuses %j", (name, reason) => {
    expect(() => validateBotBranch(name)).toThrow(reason);
  });

  it("builds valid names from arbitrary text, with a hash when the text had to change", () => {
    expect(botBranchName("fix", "12")).toBe("codex/fix/12");
    expect(botBranchName("ci", "acme/app/run-7")).toBe("codex/ci/acme/app/run-7");
    const titled = botBranchName("fix", "Fix the flaky test in auth.spec.ts");
    expect(titled).toMatch(/^codex\/fix\/fix-the-flaky-test-in-auth\.spec\.ts-[0-9a-f]{10}$/);
    // Case and punctuation are folded, but different keys still get different branches.
    expect(botBranchName("fix", "Issue 12")).not.toBe(botBranchName("fix", "issue-12"));
    expect(botBranchName("fix", "--upload-pack=evil")).toMatch(/^codex\/fix\/upload-pack-evil-[0-9a-f]{10}$/);
    expect(botBranchName("fix", "\u202e\u0000..//..")).toMatch(/^codex\/fix\/[0-9a-f]{10}$/);
    expect(botBranchName("fix", "ﬁx café")).toMatch(/^codex\/fix\/fix-cafe-[0-9a-f]{10}$/);
    const long = botBranchName("maintenance", "x".repeat(500));
    expect(long.length).toBeLessThanOrEqual(200);
    expect(long).toMatch(/^codex\/maintenance\/x+-[0-9a-f]{10}$/);
    expect(botBranchName("Fix Kind", "a.lock")).toMatch(/^codex\/fix-kind\/a-lock-[0-9a-f]{10}$/);
    expect(() => botBranchName("!!!", "1")).toThrow(/kind has no usable characters/);
    for (const key of ["a", "-", ".", "..", "a/b/", "x".repeat(300), "日本語", "a\nb", "a.lock/b", "@{-1}"]) {
      expect(validateBotBranch(botBranchName("fix", key))).toBeTruthy();
    }
  });
});

describe("isAppCommit", () => {
  const base = commit(sha("c"), sha("1"), [BASE]) as GitCommit;
  it("accepts the App's verified commit with GitHub's web-flow committer, for its own slug only", () => {
    expect(isAppCommit(base)).toBe(true);
    expect(isAppCommit(base, "codex-dispatch")).toBe(true);
    expect(isAppCommit(base, "other-app")).toBe(false);
  });
  it("refuses unverified commits, people's web-editor commits and look-alike authors", () => {
    expect(isAppCommit({ ...base, verification: { verified: false } })).toBe(false);
    expect(isAppCommit({ ...base, verification: null })).toBe(false);
    expect(isAppCommit({ ...base, author: ALICE })).toBe(false);
    expect(isAppCommit({ ...base, author: { name: "codex-dispatch[bot]", email: "alice@example.com" } })).toBe(false);
    expect(isAppCommit({ ...base, author: { name: "someone", email: BOT.email } })).toBe(false);
    expect(isAppCommit({ ...base, committer: ALICE })).toBe(false);
  });
});

describe("toCommitChanges", () => {
  const change = (c: Partial<Change>): Change => ({
    path: "a",
    status: "modified",
    mode: "100644",
    isBinary: false,
    addedLines: [],
    added: 0,
    removed: 0,
    ...c,
  });
  it("turns renames into a deletion plus the new file and deletions into null", () => {
    const out = toCommitChanges([
      change({ path: "new.ts", oldPath: "old.ts", status: "renamed", content: Buffer.from("x") }),
      change({ path: "gone.ts", status: "deleted" }),
      change({ path: "link", mode: "120000", status: "added", content: Buffer.from("target") }),
    ]);
    expect(out).toEqual([
      { path: "old.ts", mode: "100644", content: null },
      { path: "new.ts", mode: "100644", content: Buffer.from("x") },
      { path: "gone.ts", mode: "100644", content: null },
      { path: "link", mode: "120000", content: Buffer.from("target") },
    ]);
  });
  it("refuses gitlinks and changes without content", () => {
    expect(() => toCommitChanges([change({ path: "sub", mode: "160000", status: "added" })])).toThrow(/gitlink/);
    expect(() => toCommitChanges([change({ path: "a.ts" })])).toThrow(/no content/);
  });
});

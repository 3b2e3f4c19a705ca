import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BranchMovedError } from "../../src/github/git-commit.js";
import { replaceBotBranch } from "../../src/github/maintenance-branch.js";
import { API, assertAllMocksUsed, testClient, useNock } from "../github/client.js";

// The bot's one force-push (rebuilding a maintenance branch on a moved default branch) must stay narrow: only
// codex/maintenance/ branches, and only over the head the bot read. Any other request fails: nock allows no network.
const R = "/repos/acme/app";
const BRANCH = "codex/maintenance/docs";
const BRANCH_PATH = encodeURIComponent(BRANCH);
const sha = (c: string) => c.repeat(40);
const BASE = sha("b");
const READ = sha("d");
const THEIRS = sha("e");
const params = {
  owner: "acme",
  repo: "app",
  branch: BRANCH,
  baseSha: BASE,
  message: "Rebuild",
  changes: [{ path: "docs/a.md", mode: "100644" as const, content: Buffer.from("a\n") }],
  expectedHead: READ,
};
const who = { name: "codex-dispatch[bot]", email: "1+codex-dispatch[bot]@users.noreply.github.com" };

beforeEach(useNock);
afterEach(assertAllMocksUsed);

describe("replaceBotBranch", () => {
  it("[S17.1] a force-move asked for a branch outside codex/maintenance/ → refused before any request", async () => {
    await expect(replaceBotBranch(testClient(), { ...params, branch: "codex/issue/12" })).rejects.toThrow(/codex\/maintenance\//);
    await expect(replaceBotBranch(testClient(), { ...params, branch: "main" })).rejects.toThrow(/codex\/maintenance\//);
  });

  it("[S17.2] the branch is no longer at the head the bot read (a person pushed) → BranchMovedError, nothing written", async () => {
    nock(API)
      .get(R)
      .reply(200, { default_branch: "main" })
      .get(`${R}/branches/${BRANCH_PATH}`)
      .reply(200, { commit: { sha: THEIRS }, protected: false });
    await expect(replaceBotBranch(testClient(), params)).rejects.toBeInstanceOf(BranchMovedError);
  });

  it("[S17.3] a push lands while the bot writes its commit → the swap's last check refuses, the ref is never patched", async () => {
    nock(API)
      .get(R)
      .reply(200, { default_branch: "main" })
      .get(`${R}/branches/${BRANCH_PATH}`)
      .reply(200, { commit: { sha: READ }, protected: false })
      .get(`${R}/git/commits/${BASE}`)
      .reply(200, { sha: BASE, tree: { sha: sha("1") }, parents: [], author: who, committer: who })
      .post(`${R}/git/blobs`)
      .reply(201, { sha: sha("2") })
      .post(`${R}/git/trees`)
      .reply(201, { sha: sha("3") })
      .post(`${R}/git/commits`, (body) => JSON.stringify(body.parents) === JSON.stringify([BASE]))
      .reply(201, { sha: sha("4") })
      .get(`${R}/branches/${BRANCH_PATH}`)
      .reply(200, { commit: { sha: THEIRS }, protected: false });
    await expect(replaceBotBranch(testClient(), params)).rejects.toBeInstanceOf(BranchMovedError);
  });

  it("[S17.4] a protected maintenance branch → refused, nothing written", async () => {
    nock(API)
      .get(R)
      .reply(200, { default_branch: "main" })
      .get(`${R}/branches/${BRANCH_PATH}`)
      .reply(200, { commit: { sha: READ }, protected: true });
    await expect(replaceBotBranch(testClient(), params)).rejects.toThrow(/branch protection/);
  });

  it("the branch still at the head the bot read → one new commit on the base, the ref moved with force", async () => {
    let patched: unknown;
    nock(API)
      .get(R)
      .reply(200, { default_branch: "main" })
      .get(`${R}/branches/${BRANCH_PATH}`)
      .twice()
      .reply(200, { commit: { sha: READ }, protected: false })
      .get(`${R}/git/commits/${BASE}`)
      .reply(200, { sha: BASE, tree: { sha: sha("1") }, parents: [], author: who, committer: who })
      .post(`${R}/git/blobs`)
      .reply(201, { sha: sha("2") })
      .post(`${R}/git/trees`)
      .reply(201, { sha: sha("3") })
      .post(`${R}/git/commits`)
      .reply(201, { sha: sha("4") })
      .patch(`${R}/git/refs/${encodeURIComponent(`heads/${BRANCH}`)}`, (body) => ((patched = body), true))
      .reply(200, {});
    expect(await replaceBotBranch(testClient(), params)).toEqual({ commitSha: sha("4") });
    expect(patched).toEqual({ sha: sha("4"), force: true });
  });
});

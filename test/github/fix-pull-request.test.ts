import { generateKeyPairSync } from "node:crypto";
import nock from "nock";
import { ProbotOctokit } from "probot";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startGitHubStandIn, type GitHubStandIn } from "../../demo/github-standin.js";
import { getBranchHead } from "../../src/github/branches.js";
import type { GitHubClient } from "../../src/github/client.js";
import { GitHubError } from "../../src/github/errors.js";
import { addLabels, countOpenBotPullRequests, findOrCreateDraftPullRequest, requestReviewers } from "../../src/github/fix-pull-request.js";
import { BranchMovedError, commitChanges } from "../../src/github/git-commit.js";
import { createBareRemote, type BareRemote } from "../../src/workspace/bare-remote.js";
import { runGit } from "../../src/workspace/git.js";
import { API, assertAllMocksUsed, testClient, useNock } from "./client.js";

const R = "/repos/acme/app";
const BRANCH = "codex/fix/issue-12";
const repo = { owner: "acme", repo: "app" };

function pull(number: number, extra: { title?: string; body?: string | null; headRepo?: string | null; ref?: string; base?: string } = {}) {
  const headRepo = extra.headRepo === undefined ? "acme/app" : extra.headRepo;
  return {
    number,
    html_url: `https://github.com/acme/app/pull/${number}`,
    title: extra.title ?? "old title",
    body: extra.body === undefined ? "old body" : extra.body,
    head: { ref: extra.ref ?? BRANCH, repo: headRepo ? { full_name: headRepo } : null },
    base: { ref: extra.base ?? "main" },
  };
}
const listQuery = { head: `acme:${BRANCH}`, state: "open", per_page: 100 };
const prParams = { ...repo, head: BRANCH, base: "main", title: "Fix the flaky test", body: "Fixes #12" };

describe("findOrCreateDraftPullRequest", () => {
  beforeEach(useNock);
  afterEach(assertAllMocksUsed);

  it("opens a draft when the branch has no open PR", async () => {
    let sent: unknown;
    nock(API)
      .get(`${R}/pulls`)
      .query(listQuery)
      .reply(200, [])
      .post(`${R}/pulls`, (body) => ((sent = body), true))
      .reply(201, pull(13, { title: "Fix the flaky test", body: "Fixes #12" }));
    expect(await findOrCreateDraftPullRequest(testClient(), prParams)).toEqual({
      number: 13,
      htmlUrl: "https://github.com/acme/app/pull/13",
      created: true,
    });
    expect(sent).toEqual({ title: "Fix the flaky test", head: BRANCH, base: "main", body: "Fixes #12", draft: true });
  });

  it("reuses the open PR of the branch and updates its title and body, ignoring a fork's branch of the same name", async () => {
    let sent: unknown;
    nock(API)
      .get(`${R}/pulls`)
      .query(listQuery)
      .reply(200, [pull(9, { headRepo: "eve/app" }), pull(7, { body: null })])
      .patch(`${R}/pulls/7`, (body) => ((sent = body), true))
      .reply(200, pull(7));
    expect(await findOrCreateDraftPullRequest(testClient(), prParams)).toEqual({
      number: 7,
      htmlUrl: "https://github.com/acme/app/pull/7",
      created: false,
    });
    expect(sent).toEqual({ title: "Fix the flaky test", body: "Fixes #12" });
  });

  it("leaves an up-to-date PR alone", async () => {
    nock(API)
      .get(`${R}/pulls`)
      .query(listQuery)
      .reply(200, [pull(7, { title: "Fix the flaky test", body: "Fixes #12" })]);
    expect(await findOrCreateDraftPullRequest(testClient(), prParams)).toMatchObject({ number: 7, created: false });
  });

  it("a concurrent attempt that opened it first: the 422 turns into the existing PR", async () => {
    nock(API)
      .get(`${R}/pulls`)
      .query(listQuery)
      .reply(200, [])
      .post(`${R}/pulls`)
      .reply(422, { message: "Validation Failed", errors: [{ message: `A pull request already exists for acme:${BRANCH}.` }] })
      .get(`${R}/pulls`)
      .query(listQuery)
      .reply(200, [pull(8, { title: "Fix the flaky test", body: "Fixes #12" })]);
    expect(await findOrCreateDraftPullRequest(testClient(), prParams)).toMatchObject({ number: 8, created: false });
  });

  it("falls back to a normal PR where drafts are not available", async () => {
    const drafts: unknown[] = [];
    nock(API)
      .get(`${R}/pulls`)
      .query(listQuery)
      .reply(200, [])
      .post(`${R}/pulls`, (body) => (drafts.push(body.draft), true))
      .reply(422, { message: "Validation Failed", errors: [{ message: "Draft pull requests are not supported in this repository." }] })
      .post(`${R}/pulls`, (body) => (drafts.push(body.draft), true))
      .reply(201, pull(14));
    expect(await findOrCreateDraftPullRequest(testClient(), prParams)).toMatchObject({ number: 14, created: true });
    expect(drafts).toEqual([true, false]);
  });

  it("refuses a head that is not a bot branch, and an empty title", async () => {
    await expect(findOrCreateDraftPullRequest(testClient(), { ...prParams, head: "main" })).rejects.toThrow(/codex\//);
    await expect(findOrCreateDraftPullRequest(testClient(), { ...prParams, title: " " })).rejects.toThrow(/title is empty/);
  });
});

describe("labels, reviewers and the count of open bot PRs", () => {
  beforeEach(useNock);
  afterEach(assertAllMocksUsed);

  it("adds labels once each, and sends nothing for none", async () => {
    let sent: unknown;
    nock(API)
      .post(`${R}/issues/7/labels`, (body) => ((sent = body), true))
      .reply(200, [{ name: "bug" }, { name: "codex" }]);
    expect(await addLabels(testClient(), { ...repo, issueNumber: 7, labels: ["codex", "codex"] })).toEqual(["bug", "codex"]);
    expect(sent).toEqual({ labels: ["codex"] });
    expect(await addLabels(testClient(), { ...repo, issueNumber: 7, labels: [] })).toEqual([]);
    await expect(addLabels(testClient(), { ...repo, issueNumber: 7, labels: [" "] })).rejects.toThrow();
  });

  it("requests reviewers; a 422 (not a collaborator) is a warning, other failures throw", async () => {
    let sent: unknown;
    nock(API)
      .post(`${R}/pulls/7/requested_reviewers`, (body) => ((sent = body), true))
      .reply(201, {})
      .post(`${R}/pulls/7/requested_reviewers`)
      .reply(422, { message: "Reviews may only be requested from collaborators." })
      .post(`${R}/pulls/7/requested_reviewers`)
      .reply(500, { message: "boom" });
    const gh = testClient();
    expect(await requestReviewers(gh, { ...repo, number: 7, reviewers: ["alice"], teamReviewers: ["core"] })).toEqual({
      requested: true,
      warnings: [],
    });
    expect(sent).toEqual({ reviewers: ["alice"], team_reviewers: ["core"] });
    const refused = await requestReviewers(gh, { ...repo, number: 7, reviewers: ["mallory"] });
    expect(refused.requested).toBe(false);
    expect(refused.warnings).toEqual([expect.stringMatching(/mallory.*collaborators/)]);
    await expect(requestReviewers(gh, { ...repo, number: 7, reviewers: ["alice"] })).rejects.toBeInstanceOf(GitHubError);
    expect(await requestReviewers(gh, { ...repo, number: 7, reviewers: [] })).toEqual({ requested: false, warnings: [] });
    await expect(requestReviewers(gh, { ...repo, number: 7, reviewers: ["--evil"] })).rejects.toThrow(/login/);
  });

  it("counts open PRs from the repository's own codex/ branches across pages", async () => {
    const page1 = Array.from({ length: 100 }, (_, i) => pull(i + 1, { ref: i % 2 ? `codex/fix/${i}` : `feature/${i}` }));
    const page2 = [
      pull(101, { ref: "codex/ci/1" }),
      pull(102, { ref: "codex/fix/x", headRepo: "eve/app" }),
      pull(103, { ref: "codex/fix/y", headRepo: null }),
    ];
    nock(API)
      .get(`${R}/pulls`)
      .query({ state: "open", per_page: 100 })
      .reply(200, page1, { link: `<${API}${R}/pulls?state=open&per_page=100&page=2>; rel="next"` })
      .get(`${R}/pulls`)
      .query({ state: "open", per_page: 100, page: 2 })
      .reply(200, page2);
    expect(await countOpenBotPullRequests(testClient(), { ...repo, branchPrefix: "codex/" })).toBe(51);
  });
});

describe("a fix published into the GitHub stand-in and a real bare remote", () => {
  let standIn: GitHubStandIn;
  let remote: BareRemote;
  let gh: GitHubClient;
  const quiet = { debug() {}, info() {}, warn() {}, error() {} };
  const git = (...args: string[]) => runGit(["-C", remote.url, ...args], { cwd: remote.dir });

  beforeAll(async () => {
    remote = await createBareRemote({ files: { "README.md": "# app\n", "src/a.ts": "export const a = 1;\n", "src/old.ts": "old\n" } });
    standIn = await startGitHubStandIn();
    standIn.addRepo({ owner: "acme", name: "app", cloneUrl: remote.url, installationId: 7 });
    const { privateKey } = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
      publicKeyEncoding: { type: "spki", format: "pem" },
    });
    gh = new ProbotOctokit({
      auth: { appId: 4242, privateKey, installationId: 7 },
      baseUrl: standIn.baseUrl,
      log: quiet,
      retry: { enabled: false },
      throttle: { enabled: false },
    });
  });

  afterAll(async () => {
    await standIn?.close();
    await remote?.cleanup();
  });

  it("commits two files and a deletion as one Verified commit, survives a crash before the PR, and never makes a second commit or PR", async () => {
    nock.enableNetConnect("127.0.0.1");
    const base = remote.headSha;
    const changes = [
      { path: "src/a.ts", mode: "100644" as const, content: Buffer.from("export const a = 2;\n") },
      { path: "src/new.ts", mode: "100644" as const, content: Buffer.from("export const b = 3;\n") },
      { path: "src/old.ts", mode: "100644" as const, content: null },
    ];
    const publish = {
      ...repo,
      branch: BRANCH,
      baseSha: base,
      message: "Fix the flaky test\n\nFixes #12",
      changes,
      appSlug: "codex-dispatch",
    };

    const first = await commitChanges(gh, publish);
    expect(first.created).toBe(true);
    const stat = await git("show", "--stat", "--format=%H %P%n%an <%ae>%n%cn <%ce>%n%s", BRANCH);
    expect(stat).toContain(`${first.commitSha} ${base}`);
    expect(stat).toContain("codex-dispatch[bot] <4200000+codex-dispatch[bot]@users.noreply.github.com>");
    expect(stat).toContain("GitHub <noreply@github.com>");
    expect(stat).toMatch(/src\/a\.ts\s+\| 2 \+-/);
    expect(stat).toMatch(/src\/new\.ts\s+\| 1 \+/);
    expect(stat).toMatch(/src\/old\.ts\s+\| 1 -/);
    expect(stat).toContain("3 files changed, 2 insertions(+), 2 deletions(-)");
    expect((await git("ls-tree", "-r", "--name-only", BRANCH)).split("\n")).toEqual(["README.md", "src/a.ts", "src/new.ts"]);
    expect(await git("show", `${BRANCH}:src/a.ts`)).toBe("export const a = 2;");
    expect(standIn.snapshot().commits.find((c) => c.sha === first.commitSha)).toMatchObject({ verification: { verified: true } });

    // The process dies here: commit pushed, sha not stored, PR not opened. The retry starts from scratch.
    const retry = await commitChanges(gh, publish);
    expect(retry).toEqual({ commitSha: first.commitSha, created: false });
    const prParamsHere = { ...prParams, body: "Fixes #12\n\n```json\n{}\n```" };
    const pr = await findOrCreateDraftPullRequest(gh, prParamsHere);
    expect(pr.created).toBe(true);
    // And dies again after opening the PR: the third attempt finds both.
    expect(await commitChanges(gh, publish)).toEqual({ commitSha: first.commitSha, created: false });
    expect(await findOrCreateDraftPullRequest(gh, prParamsHere)).toEqual({ ...pr, created: false });
    expect(await git("rev-list", "--count", `${base}..${BRANCH}`)).toBe("1");
    const prs = standIn.snapshot().pullRequests.filter((p) => (p.head as { ref: string }).ref === BRANCH);
    expect(prs).toHaveLength(1);
    expect(prs[0]).toMatchObject({ number: pr.number, draft: true, head: { sha: first.commitSha }, base: { ref: "main" } });

    expect(await addLabels(gh, { ...repo, issueNumber: pr.number, labels: ["codex"] })).toEqual(["codex"]);
    expect(await requestReviewers(gh, { ...repo, number: pr.number, reviewers: ["alice"] })).toEqual({ requested: true, warnings: [] });
    expect(await countOpenBotPullRequests(gh, { ...repo, branchPrefix: "codex/" })).toBe(1);

    // A follow-up fix from a worktree at the branch head moves the branch forward; the PR follows.
    const second = await commitChanges(gh, {
      ...publish,
      baseSha: first.commitSha,
      expectedHead: first.commitSha,
      message: "Also cover b",
      changes: [{ path: "src/new.ts", mode: "100755", content: Buffer.from("export const b = 4;\n") }],
    });
    expect(second.created).toBe(true);
    expect(await git("rev-list", "--format=%P", "--no-commit-header", "-n1", BRANCH)).toBe(first.commitSha);
    expect(await git("ls-tree", BRANCH, "src/new.ts")).toMatch(/^100755 blob /);
    expect(standIn.snapshot().pullRequests.find((p) => p.number === pr.number)).toMatchObject({ head: { sha: second.commitSha } });

    // A person force-pushes their own commit to the bot's branch: the bot refuses and the person's commit stays.
    const human = await remote.commit({ "src/a.ts": "export const a = 42;\n" }, "my own fix", `refs/heads/${BRANCH}`);
    const error = await commitChanges(gh, { ...publish, baseSha: second.commitSha, expectedHead: second.commitSha }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BranchMovedError);
    expect(error).toMatchObject({ head: human });
    expect(await getBranchHead(gh, { ...repo, branch: BRANCH })).toBe(human);
    // Without stored state the verdict is the same: the head is not an App commit.
    await expect(
      commitChanges(gh, { ...publish, changes: [{ path: "x", mode: "100644", content: Buffer.from("x") }] }),
    ).rejects.toBeInstanceOf(BranchMovedError);
    expect(await getBranchHead(gh, { ...repo, branch: BRANCH })).toBe(human);
  });
});

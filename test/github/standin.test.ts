import { execFileSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ProbotOctokit } from "probot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGitHubStandIn, type GitHubStandIn } from "../../demo/github-standin.js";
import { downloadJobLog, findLastGreenJobLog, getWorkflowRun, listRunAttemptJobs } from "../../src/github/actions.js";
import { listCheckRunAnnotations, publishCheckRun } from "../../src/github/checks.js";
import type { GitHubClient } from "../../src/github/client.js";
import { addReaction, upsertStickyComment } from "../../src/github/comments.js";
import { mintInstallationToken } from "../../src/github/installation-token.js";
import { getCollaboratorPermission } from "../../src/github/permissions.js";
import { findPullRequestsForSha } from "../../src/github/pulls.js";
import { fetchRepoConfigText } from "../../src/github/repo-config.js";

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
let standIn: GitHubStandIn;
let gh: GitHubClient;
let remote: string;
let mainSha: string;
const repo = { owner: "acme", repo: "app" };

function git(args: string[], input?: string): string {
  return execFileSync("git", ["--git-dir", remote, ...args], { input, encoding: "utf8" }).trim();
}

beforeAll(async () => {
  remote = path.join(mkdtempSync(path.join(tmpdir(), "standin-")), "app.git");
  execFileSync("git", ["init", "--quiet", "--bare", "--initial-branch=main", remote]);
  const blob = git(["hash-object", "-w", "--stdin"], "triage:\n  enabled: true\n");
  const readme = git(["hash-object", "-w", "--stdin"], "# app\n");
  const github = git(["mktree"], `100644 blob ${blob}\tcodex.yml\n`);
  const tree = git(["mktree"], `040000 tree ${github}\t.github\n100644 blob ${readme}\tREADME.md\n`);
  mainSha = execFileSync("git", ["--git-dir", remote, "commit-tree", tree, "-m", "initial"], {
    encoding: "utf8",
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: "t",
      GIT_AUTHOR_EMAIL: "t@example.com",
      GIT_COMMITTER_NAME: "t",
      GIT_COMMITTER_EMAIL: "t@example.com",
    },
  }).trim();
  git(["update-ref", "refs/heads/main", mainSha]);

  standIn = await startGitHubStandIn();
  standIn.addRepo({ owner: "acme", name: "app", cloneUrl: remote, installationId: 7 });
  const { privateKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  // Authenticated as the App's installation, as Probot builds context.octokit. Throttling spaces writes 1 s apart
  // (GitHub's secondary limits): right for GitHub, only slow against the stand-in.
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
  rmSync(path.dirname(remote), { recursive: true, force: true });
});

describe("GitHub stand-in driven by a real ProbotOctokit", () => {
  it("mints installation tokens and refuses calls without Authorization", async () => {
    const { token, expiresAt } = await mintInstallationToken(gh);
    expect(token).toMatch(/^ghs_[0-9a-f]{36}$/);
    expect(Date.parse(expiresAt ?? "") - Date.now()).toBeGreaterThan(50 * 60_000);
    const bare = await fetch(`${standIn.baseUrl}/repos/acme/app`);
    expect(bare.status).toBe(401);
    // Served with and without GHE's /api/v3 prefix.
    const plain = await fetch(`http://${standIn.host}/repos/acme/app`, { headers: { authorization: `token ${token}` } });
    expect(await plain.json()).toMatchObject({ full_name: "acme/app", default_branch: "main", clone_url: remote });
    const unknown = await fetch(`${standIn.baseUrl}/repos/acme/app/nothing-here`, { headers: { authorization: "token x" } });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ message: "Not Found" });
    expect(standIn.requests).toContainEqual(
      expect.objectContaining({ method: "GET", path: "/api/v3/repos/acme/app/nothing-here", status: 404 }),
    );
  });

  it("downloads a job log through an expiring one-time link, never sending the token to the blob host", async () => {
    const run = standIn.addWorkflowRun("acme/app", {
      headSha: mainSha,
      jobs: [
        { name: "build", conclusion: "success" },
        { name: "test", conclusion: "failure", steps: [{ name: "npm test", conclusion: "failure" }], log: "##[error]expected 1 got 2\n" },
      ],
    });
    const jobs = await listRunAttemptJobs(gh, { ...repo, runId: run.id, attempt: 1 });
    const failed = jobs.find((j) => j.conclusion === "failure")!;
    expect(failed.steps).toEqual([{ name: "npm test", number: 1, conclusion: "failure" }]);
    standIn.setJobLog("acme/app", failed.id, "##[error]expected 1 got 2\n", { expireFirstLinks: 2 });

    const before = standIn.requests.length;
    const logFile = path.join(mkdtempSync(path.join(tmpdir(), "standin-log-")), "job.log");
    await downloadJobLog(gh, { ...repo, jobId: failed.id }, logFile);
    expect(readFileSync(logFile, "utf8")).toBe("##[error]expected 1 got 2\n");
    const trail = standIn.requests.slice(before).map((r) => `${r.status} ${r.path.replace(/\?.*/, "").replace(/_blobs\/\w+/, "_blobs/*")}`);
    expect(trail).toEqual([
      `302 /api/v3/repos/acme/app/actions/jobs/${failed.id}/logs`,
      "403 /_blobs/*",
      `302 /api/v3/repos/acme/app/actions/jobs/${failed.id}/logs`,
      "403 /_blobs/*",
      `302 /api/v3/repos/acme/app/actions/jobs/${failed.id}/logs`,
      "200 /_blobs/*",
    ]);
    // maxTries 1 against a link that expires: a clear error.
    standIn.setJobLog("acme/app", failed.id, "x", { expireFirstLinks: 1 });
    await expect(downloadJobLog(gh, { ...repo, jobId: failed.id }, logFile, { maxTries: 1 })).rejects.toThrow(/answered 403/);

    expect(await getWorkflowRun(gh, { ...repo, runId: run.id })).toMatchObject({
      id: run.id,
      conclusion: "failure",
      headBranch: "main",
      workflowId: 1,
    });
    standIn.addWorkflowRun("acme/app", { headSha: mainSha, jobs: [{ name: "test", conclusion: "success", log: "all green\n" }] });
    const greenFile = path.join(path.dirname(logFile), "green.log");
    expect(await findLastGreenJobLog(gh, { ...repo, workflowId: 1, branch: "main", jobName: "test" }, greenFile)).toMatchObject({
      cut: false,
    });
    expect(readFileSync(greenFile, "utf8")).toBe("all green\n");
    rmSync(path.dirname(logFile), { recursive: true, force: true });
  });

  it("keeps one sticky comment across retries and records reactions", async () => {
    const issue = standIn.addIssue("acme/app", { title: "Flaky test", user: "alice" });
    standIn.addComment("acme/app", issue.number, { body: "me too <!-- codex-dispatch:triage:1 -->", user: "mallory" });
    const marker = "<!-- codex-dispatch:triage:1 -->";
    const first = await upsertStickyComment(gh, { ...repo, issueNumber: issue.number, marker, body: "first report" });
    const second = await upsertStickyComment(gh, { ...repo, issueNumber: issue.number, marker, body: "second report" });
    expect(first.created).toBe(true);
    expect(second).toEqual({ id: first.id, htmlUrl: first.htmlUrl, created: false });
    const ours = standIn.snapshot().comments.filter((c) => (c.user as { type: string }).type === "Bot");
    expect(ours).toHaveLength(1);
    expect(ours[0].body).toBe(`second report\n\n${marker}`);
    await addReaction(gh, { ...repo, commentId: first.id, content: "eyes" });
    await addReaction(gh, { ...repo, issueNumber: issue.number, content: "rocket" });
    expect(standIn.snapshot().reactions.map((r) => r.content)).toEqual(["eyes", "rocket"]);
  });

  it("publishes a check run with 120 annotations and updates it in place", async () => {
    const annotations = Array.from({ length: 120 }, (_, i) => ({
      path: "src/a.ts",
      startLine: i + 1,
      endLine: i + 1,
      level: "warning" as const,
      message: `w${i}`,
    }));
    const params = { ...repo, headSha: mainSha, name: "Codex triage", externalId: "t:1", title: "Analysis", summary: "s", annotations };
    const created = await publishCheckRun(gh, { ...params, conclusion: undefined });
    const done = await publishCheckRun(gh, { ...params, conclusion: "neutral", annotations: [] });
    expect(done.id).toBe(created.id);
    const runs = standIn.snapshot().checkRuns.filter((r) => r.name === "Codex triage");
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: "completed", conclusion: "neutral", output: { annotations_count: 120 } });
    expect(await listCheckRunAnnotations(gh, { ...repo, checkRunId: created.id })).toHaveLength(120);
  });

  it("serves config, permissions and the PRs of a commit", async () => {
    expect(await fetchRepoConfigText(gh, { ...repo, ref: "main" })).toBe("triage:\n  enabled: true\n");
    expect(await fetchRepoConfigText(gh, { ...repo, ref: mainSha })).toBe("triage:\n  enabled: true\n");
    standIn.setFile("acme/app", "main", ".github/codex.yml", "overridden: true\n");
    expect(await fetchRepoConfigText(gh, { ...repo, ref: "main" })).toBe("overridden: true\n");
    standIn.setPermission("acme/app", "alice", "write");
    expect(await getCollaboratorPermission(gh, { ...repo, username: "alice" })).toBe("write");
    expect(await getCollaboratorPermission(gh, { ...repo, username: "bob" })).toBe("none");
    const sha = "f".repeat(40);
    standIn.addPullRequest("acme/app", { title: "fork PR", head: "patch-1", headSha: sha, base: "main", headRepoFullName: "eve/app" });
    expect(await findPullRequestsForSha(gh, { ...repo, sha })).toMatchObject([
      { headRef: "patch-1", headRepoFullName: "eve/app", baseRepoFullName: "acme/app" },
    ]);
  });

  it("creates a Verified commit with the Git Data API into the bare repository and opens a draft PR", async () => {
    const { data: ref } = await gh.request("GET /repos/{owner}/{repo}/git/ref/{ref}", { ...repo, ref: "heads/main" });
    const { data: base } = await gh.request("GET /repos/{owner}/{repo}/git/commits/{commit_sha}", { ...repo, commit_sha: ref.object.sha });
    const { data: blob } = await gh.request("POST /repos/{owner}/{repo}/git/blobs", {
      ...repo,
      content: Buffer.from("fixed\n").toString("base64"),
      encoding: "base64",
    });
    const { data: tree } = await gh.request("POST /repos/{owner}/{repo}/git/trees", {
      ...repo,
      base_tree: base.tree.sha,
      tree: [
        { path: "src/fix.ts", mode: "100644", type: "blob", sha: blob.sha },
        { path: "README.md", mode: "100644", type: "blob", sha: null },
      ],
    });
    const { data: commit } = await gh.request("POST /repos/{owner}/{repo}/git/commits", {
      ...repo,
      message: "Fix the test",
      tree: tree.sha,
      parents: [ref.object.sha],
    });
    expect(commit.verification?.verified).toBe(true);
    await gh.request("POST /repos/{owner}/{repo}/git/refs", { ...repo, ref: "refs/heads/codex/fix/1", sha: commit.sha });
    await expect(
      gh.request("POST /repos/{owner}/{repo}/git/refs", { ...repo, ref: "refs/heads/codex/fix/1", sha: commit.sha }),
    ).rejects.toMatchObject({ status: 422 });

    // The commit really is in the remote: a git client sees the new file, the kept config and the deletion.
    expect(git(["ls-tree", "-r", "--name-only", "codex/fix/1"]).split("\n")).toEqual([".github/codex.yml", "src/fix.ts"]);
    expect(git(["show", "codex/fix/1:src/fix.ts"])).toBe("fixed");

    const { data: pr } = await gh.request("POST /repos/{owner}/{repo}/pulls", {
      ...repo,
      title: "Fix",
      head: "codex/fix/1",
      base: "main",
      draft: true,
      body: "Fixes #1",
    });
    expect(pr).toMatchObject({ draft: true, head: { sha: commit.sha, ref: "codex/fix/1" } });
    await gh.request("POST /repos/{owner}/{repo}/issues/{issue_number}/labels", { ...repo, issue_number: pr.number, labels: ["codex"] });
    await gh.request("POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers", {
      ...repo,
      pull_number: pr.number,
      reviewers: ["alice"],
    });
    // Not a fast-forward: refused unless forced.
    await expect(
      gh.request("PATCH /repos/{owner}/{repo}/git/refs/{ref}", { ...repo, ref: "heads/codex/fix/1", sha: mainSha }),
    ).rejects.toMatchObject({ status: 422 });

    const snap = standIn.snapshot();
    expect(snap.branches.map((b) => b.name).sort()).toEqual(["codex/fix/1", "main"]);
    expect(snap.commits.map((c) => c.sha)).toEqual([commit.sha]);
    expect(snap.pullRequests.find((p) => p.number === pr.number)).toMatchObject({
      labels: [{ name: "codex" }],
      requested_reviewers: [{ login: "alice" }],
    });
    expect(JSON.parse(JSON.stringify(snap))).toEqual(snap);
  });
});

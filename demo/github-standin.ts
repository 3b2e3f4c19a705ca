import type { AddressInfo } from "node:net";
import type { GitHubStandIn } from "./github-standin/api.js";
import { localGitDir, readBranchesSync } from "./github-standin/git-store.js";
import { Router, type Reply } from "./github-standin/http-kit.js";
import type { StandInCore } from "./github-standin/core.js";
import { addActionsRoutes, createWorkflowRun, storeJobLog } from "./github-standin/routes-actions.js";
import { addCheckRoutes, createCheckRun } from "./github-standin/routes-checks.js";
import { addCompareRoutes } from "./github-standin/routes-compare.js";
import { addGitRoutes } from "./github-standin/routes-git.js";
import { addInstallationRoutes } from "./github-standin/routes-installations.js";
import { addIssueListRoutes } from "./github-standin/routes-issue-list.js";
import { addIssueRoutes, createComment, createIssue } from "./github-standin/routes-issues.js";
import { addPullRoutes, createPullRequest } from "./github-standin/routes-pulls.js";
import { addReviewRoutes, createReview } from "./github-standin/routes-reviews.js";
import { addRepoRoutes, createRepo } from "./github-standin/routes-repos.js";
import { createStandInServer, type InjectedFault, type RecordedRequest } from "./github-standin/server.js";
import { createState, userOf, type Json, type RepoRecord, type StandInState } from "./github-standin/state.js";

export type { GitHubStandIn, StandInSnapshot } from "./github-standin/api.js";
export type { WorkflowRunSpec } from "./github-standin/routes-actions.js";
export type { StandInState, RecordedRequest };

/** Starts a GitHub REST API stand-in on 127.0.0.1 (random port) for the offline demo and end-to-end tests. */
export async function startGitHubStandIn(): Promise<GitHubStandIn> {
  let origin = "";
  const state = createState(() =>
    state.repos.flatMap((record) => {
      const dir = localGitDir(record.cloneUrl);
      if (!dir) return [];
      return readBranchesSync(dir).map(({ name, sha }) => ({
        name,
        commit: { sha, url: `${origin}/api/v3/repos/${record.fullName}/commits/${sha}` },
        protected: false,
        repository: record.fullName,
      }));
    }),
  );
  const core: StandInCore = { state, apiBase: () => `${origin}/api/v3`, origin: () => origin };
  const router = new Router();
  addRepoRoutes(router, core);
  addActionsRoutes(router, core);
  addCheckRoutes(router, core);
  addIssueRoutes(router, core);
  addIssueListRoutes(router, core);
  addInstallationRoutes(router, core);
  addPullRoutes(router, core);
  addReviewRoutes(router, core);
  addGitRoutes(router, core);
  addCompareRoutes(router, core);

  // A signed log URL works once; an "expired" one answers 403 like Azure blob storage does.
  const serveBlob = (token: string): Reply => {
    const link = state.internal.blobLinks[token];
    if (!link) return { status: 404, body: Buffer.from("BlobNotFound") };
    delete state.internal.blobLinks[token];
    if (link.expired) return { status: 403, body: Buffer.from("AuthenticationFailed: Signed expiry time has passed") };
    return { status: 200, body: state.internal.logs[link.jobId].data, headers: { "content-type": "text/plain; charset=utf-8" } };
  };

  const requests: RecordedRequest[] = [];
  const faults: InjectedFault[] = [];
  const server = createStandInServer(core, router, serveBlob, requests, faults);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;

  const repo = (fullName: string): RepoRecord => {
    const record = state.repos.find((r) => r.fullName.toLowerCase() === fullName.toLowerCase());
    if (!record) throw new Error(`stand-in: unknown repository ${fullName} (call addRepo first)`);
    return record;
  };

  // Seeding goes through the same functions the routes use, so seeded objects look like created ones.
  return {
    baseUrl: `${origin}/api/v3`,
    host: `127.0.0.1:${port}`,
    state,
    requests,
    addRepo: (spec) => createRepo(core, spec),
    setFile(repoFullName, ref, path, content) {
      state.internal.files[`${repo(repoFullName).fullName}\0${ref}\0${path.replace(/^\/+/, "")}`] = content;
    },
    addWorkflowRun: (repoFullName, spec) => createWorkflowRun(core, repo(repoFullName), spec),
    setJobLog(repoFullName, jobId, log, opts = {}) {
      repo(repoFullName);
      storeJobLog(state, jobId, log, opts.expireFirstLinks ?? 0);
    },
    addPullRequest: (repoFullName, spec) => createPullRequest(core, repo(repoFullName), spec),
    addIssue: (repoFullName, issue) => createIssue(core, repo(repoFullName), issue),
    addComment(repoFullName, issueNumber, { body, user, userType = "User" }) {
      return createComment(core, repo(repoFullName), issueNumber, body, userOf(user, userType));
    },
    addCheckRun(repoFullName, run) {
      const slug = run.appSlug ?? "external-ci";
      return createCheckRun(
        core,
        repo(repoFullName),
        {
          name: run.name,
          head_sha: run.headSha,
          conclusion: run.conclusion,
          details_url: run.detailsUrl,
          output: { title: run.title ?? run.name, summary: run.summary ?? "", text: run.text, annotations: run.annotations },
        },
        { id: 77, slug, name: slug },
      ) as Json & { id: number };
    },
    grantInstallation(installationId, permissions) {
      state.internal.extraPermissions[installationId] = { ...state.internal.extraPermissions[installationId], ...permissions };
    },
    addReview(repoFullName, prNumber, { user, ...review }) {
      return createReview(core, repo(repoFullName), prNumber, { ...review, user: userOf(user) });
    },
    failNext(method, path, status = 500, times = 1, headers) {
      faults.push({ method: method.toUpperCase(), path, status, times, headers });
    },
    injectFault(fault) {
      faults.push({ ...fault, method: fault.method.toUpperCase() });
    },
    setPermission(repoFullName, user, permission) {
      state.internal.permissions[`${repo(repoFullName).fullName}\0${user.toLowerCase()}`] = permission;
    },
    snapshot() {
      const copy = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
      return copy({
        comments: state.comments,
        checkRuns: state.checkRuns,
        pullRequests: state.pullRequests,
        branches: state.branches,
        commits: state.commits,
        reactions: state.reactions,
        issues: state.issues,
      });
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      });
    },
  };
}

import type { AddressInfo } from "node:net";
import { localGitDir, readBranchesSync } from "./github-standin/git-store.js";
import { Router, type Reply } from "./github-standin/http-kit.js";
import type { StandInCore } from "./github-standin/core.js";
import { addActionsRoutes } from "./github-standin/routes-actions.js";
import { addCheckRoutes, createCheckRun } from "./github-standin/routes-checks.js";
import { addGitRoutes } from "./github-standin/routes-git.js";
import { addIssueRoutes, createComment } from "./github-standin/routes-issues.js";
import { addPullRoutes, createPullRequest, type PullSpec } from "./github-standin/routes-pulls.js";
import { addReviewRoutes, createReview, type ReviewSpec } from "./github-standin/routes-reviews.js";
import { addRepoRoutes } from "./github-standin/routes-repos.js";
import { createStandInServer, type InjectedFault, type RecordedRequest } from "./github-standin/server.js";
import { createState, nextId, nextIssueNumber, userOf, type Json, type RepoRecord, type StandInState } from "./github-standin/state.js";

export type { StandInState, RecordedRequest };

export interface WorkflowRunSpec {
  id?: number;
  name?: string;
  workflowId?: number;
  /** e.g. .github/workflows/ci.yml */
  path?: string;
  headSha: string;
  headBranch?: string | null;
  event?: string;
  runAttempt?: number;
  status?: string;
  conclusion?: string | null;
  pullRequests?: number[];
  headRepoFullName?: string;
  jobs: {
    id?: number;
    name: string;
    conclusion: string | null;
    steps?: { name: string; conclusion: string | null }[];
    log?: string | Buffer;
  }[];
}

export interface StandInSnapshot {
  comments: Json[];
  checkRuns: Json[];
  pullRequests: Json[];
  branches: Json[];
  commits: Json[];
  reactions: Json[];
  issues: Json[];
}

export interface GitHubStandIn {
  /** http://127.0.0.1:PORT/api/v3 */
  baseUrl: string;
  /** 127.0.0.1:PORT, for GHE_HOST (with GHE_PROTOCOL=http) */
  host: string;
  state: StandInState;
  requests: RecordedRequest[];
  addRepo(r: { owner: string; name: string; cloneUrl: string; defaultBranch?: string; private?: boolean; installationId?: number }): Json;
  setFile(repoFullName: string, ref: string, path: string, content: string): void;
  addWorkflowRun(repoFullName: string, run: WorkflowRunSpec): Json & { id: number };
  setJobLog(repoFullName: string, jobId: number, log: string | Buffer, opts?: { expireFirstLinks?: number }): void;
  addPullRequest(repoFullName: string, pr: PullSpec): Json & { number: number };
  addIssue(repoFullName: string, issue: { title: string; body?: string; labels?: string[]; user?: string }): Json & { number: number };
  /** A comment by a person (or another bot), e.g. a `/codex …` command. */
  addComment(
    repoFullName: string,
    issueNumber: number,
    comment: { body: string; user: string; userType?: "User" | "Bot" },
  ): Json & { id: number };
  /** A check run of another CI (not an Actions job), with annotations. */
  addCheckRun(
    repoFullName: string,
    run: {
      name: string;
      headSha: string;
      conclusion: string;
      title?: string;
      summary?: string;
      text?: string;
      detailsUrl?: string;
      annotations?: Json[];
      appSlug?: string;
    },
  ): Json & { id: number };
  setPermission(repoFullName: string, user: string, permission: "admin" | "maintain" | "write" | "triage" | "read" | "none"): void;
  snapshot(): StandInSnapshot;
  /** Grants an installation more permissions (e.g. `{ workflows: "write" }`) in the tokens it gets. */
  grantInstallation(installationId: number, permissions: Record<string, string>): void;
  /** A person's review of a pull request, with line comments. */
  addReview(repoFullName: string, prNumber: number, review: Omit<ReviewSpec, "user"> & { user: string }): Json & { id: number };
  /** Makes the next `times` requests of `method` on a matching API path fail with `status` (for fault tests). */
  failNext(method: string, path: RegExp, status?: number, times?: number, headers?: Record<string, string>): void;
  close(): Promise<void>;
}

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
  addPullRoutes(router, core);
  addReviewRoutes(router, core);
  addGitRoutes(router, core);

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
  const api = (record: RepoRecord) => `${origin}/api/v3/repos/${record.fullName}`;

  const standIn: GitHubStandIn = {
    baseUrl: `${origin}/api/v3`,
    host: `127.0.0.1:${port}`,
    state,
    requests,

    addRepo({ owner, name, cloneUrl, defaultBranch = "main", private: isPrivate = false, installationId = 1 }) {
      if (!/^[A-Za-z0-9_.-]+$/.test(owner) || !/^[A-Za-z0-9_.-]+$/.test(name))
        throw new Error(`stand-in: invalid repository name ${owner}/${name}`);
      const fullName = `${owner}/${name}`;
      if (state.repos.some((r) => r.fullName === fullName)) throw new Error(`stand-in: ${fullName} exists already`);
      const ownerUser = userOf(owner, "Organization");
      const data = {
        id: nextId(state),
        node_id: `R_${fullName}`,
        name,
        full_name: fullName,
        owner: ownerUser,
        private: isPrivate,
        fork: false,
        default_branch: defaultBranch,
        clone_url: cloneUrl,
        html_url: `${origin}/${fullName}`,
        url: `${origin}/api/v3/repos/${fullName}`,
      };
      state.repos.push({ fullName, cloneUrl, installationId, repo: data });
      return data;
    },

    setFile(repoFullName, ref, path, content) {
      state.internal.files[`${repo(repoFullName).fullName}\0${ref}\0${path.replace(/^\/+/, "")}`] = content;
    },

    addWorkflowRun(repoFullName, spec) {
      const record = repo(repoFullName);
      const id = spec.id ?? nextId(state);
      const attempt = spec.runAttempt ?? 1;
      const workflowId = spec.workflowId ?? 1;
      const now = new Date().toISOString();
      const run = {
        id,
        name: spec.name ?? "CI",
        node_id: `WFR_${id}`,
        head_branch: spec.headBranch === undefined ? record.repo.default_branch : spec.headBranch,
        head_sha: spec.headSha,
        path: spec.path ?? ".github/workflows/ci.yml",
        run_number: id,
        run_attempt: attempt,
        event: spec.event ?? "push",
        status: spec.status ?? "completed",
        conclusion:
          spec.conclusion === undefined ? (spec.jobs.some((j) => j.conclusion === "failure") ? "failure" : "success") : spec.conclusion,
        workflow_id: workflowId,
        url: `${api(record)}/actions/runs/${id}`,
        html_url: `${origin}/${record.fullName}/actions/runs/${id}`,
        jobs_url: `${api(record)}/actions/runs/${id}/jobs`,
        logs_url: `${api(record)}/actions/runs/${id}/logs`,
        pull_requests: (spec.pullRequests ?? []).map((n) => ({ number: n, url: `${api(record)}/pulls/${n}` })),
        created_at: now,
        updated_at: now,
        run_started_at: now,
        repository: record.repo,
        head_repository: spec.headRepoFullName ? { full_name: spec.headRepoFullName } : record.repo,
      };
      state.workflowRuns.push(run);
      for (const j of spec.jobs) {
        const jobId = j.id ?? nextId(state);
        state.jobs.push({
          id: jobId,
          run_id: id,
          run_attempt: attempt,
          workflow_name: run.name,
          head_branch: run.head_branch,
          head_sha: spec.headSha,
          name: j.name,
          status: j.conclusion ? "completed" : "in_progress",
          conclusion: j.conclusion,
          started_at: now,
          completed_at: j.conclusion ? now : null,
          url: `${api(record)}/actions/jobs/${jobId}`,
          html_url: `${origin}/${record.fullName}/actions/runs/${id}/job/${jobId}`,
          run_url: run.url,
          check_run_url: `${api(record)}/check-runs/${jobId}`,
          steps: (j.steps ?? [{ name: "Run", conclusion: j.conclusion }]).map((s, i) => ({
            name: s.name,
            number: i + 1,
            status: "completed",
            conclusion: s.conclusion,
            started_at: now,
            completed_at: now,
          })),
          labels: ["ubuntu-latest"],
        });
        if (j.log !== undefined) standIn.setJobLog(repoFullName, jobId, j.log);
      }
      return run;
    },

    setJobLog(repoFullName, jobId, log, opts = {}) {
      repo(repoFullName);
      state.internal.logs[jobId] = {
        data: Buffer.isBuffer(log) ? log : Buffer.from(log, "utf8"),
        expireFirstLinks: opts.expireFirstLinks ?? 0,
      };
    },

    addPullRequest(repoFullName, spec) {
      return createPullRequest(core, repo(repoFullName), spec);
    },

    addIssue(repoFullName, { title, body, labels = [], user = "octocat" }) {
      const record = repo(repoFullName);
      const number = nextIssueNumber(state, record.fullName);
      const now = new Date().toISOString();
      const issue = {
        id: nextId(state),
        number,
        node_id: `I_${number}`,
        url: `${api(record)}/issues/${number}`,
        html_url: `${origin}/${record.fullName}/issues/${number}`,
        title,
        body: body ?? null,
        state: "open",
        user: userOf(user),
        labels: labels.map((name) => ({ id: nextId(state), name, color: "ededed", default: false })),
        comments: 0,
        created_at: now,
        updated_at: now,
        author_association: "MEMBER",
      };
      state.issues.push(issue);
      return issue;
    },

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
  return standIn;
}

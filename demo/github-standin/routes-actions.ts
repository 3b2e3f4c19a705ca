import { randomBytes } from "node:crypto";
import { numberParam, repoApi, repoHtml, repoOf, type StandInCore } from "./core.js";
import { HttpError, paginate, type Router } from "./http-kit.js";
import { inRepo, nextId, type Json, type RepoRecord, type StandInState } from "./state.js";

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

/** Stores a job's log; the first `expireFirstLinks` download links handed out for it answer 403. */
export function storeJobLog(state: StandInState, jobId: number, log: string | Buffer, expireFirstLinks = 0): void {
  state.internal.logs[jobId] = { data: Buffer.isBuffer(log) ? log : Buffer.from(log, "utf8"), expireFirstLinks };
}

/** Stores a workflow run and its jobs (with their logs) as the REST API returns them. */
export function createWorkflowRun(core: StandInCore, record: RepoRecord, spec: WorkflowRunSpec): Json & { id: number } {
  const { state } = core;
  const api = repoApi(core, record);
  const html = repoHtml(core, record);
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
    url: `${api}/actions/runs/${id}`,
    html_url: `${html}/actions/runs/${id}`,
    jobs_url: `${api}/actions/runs/${id}/jobs`,
    logs_url: `${api}/actions/runs/${id}/logs`,
    pull_requests: (spec.pullRequests ?? []).map((n) => ({ number: n, url: `${api}/pulls/${n}` })),
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
      url: `${api}/actions/jobs/${jobId}`,
      html_url: `${html}/actions/runs/${id}/job/${jobId}`,
      run_url: run.url,
      check_run_url: `${api}/check-runs/${jobId}`,
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
    if (j.log !== undefined) storeJobLog(state, jobId, j.log);
  }
  return run;
}

/** Workflow runs, the jobs of an attempt, and job logs behind one-time, expiring download links. */
export function addActionsRoutes(router: Router, core: StandInCore): void {
  const { state } = core;

  const runOf = (fullName: string, id: number) => {
    const run = state.workflowRuns.find((r) => r.id === id && inRepo(fullName)(r));
    if (!run) throw new HttpError(404, "Not Found");
    return run;
  };

  router.add("GET", "/repos/:owner/:repo/actions/runs/:id", (ctx) => ({
    status: 200,
    body: runOf(repoOf(core, ctx).fullName, numberParam(ctx, "id")),
  }));

  const jobsOf = (fullName: string, runId: number, attempt: number) =>
    state.jobs.filter((j) => j.run_id === runId && j.run_attempt === attempt && inRepo(fullName)(j));

  router.add("GET", "/repos/:owner/:repo/actions/runs/:id/attempts/:attempt/jobs", (ctx) => {
    const record = repoOf(core, ctx);
    runOf(record.fullName, numberParam(ctx, "id"));
    const jobs = jobsOf(record.fullName, numberParam(ctx, "id"), numberParam(ctx, "attempt"));
    const { page, headers } = paginate(ctx, jobs);
    return { status: 200, body: { total_count: jobs.length, jobs: page }, headers };
  });

  router.add("GET", "/repos/:owner/:repo/actions/runs/:id/jobs", (ctx) => {
    const record = repoOf(core, ctx);
    const run = runOf(record.fullName, numberParam(ctx, "id"));
    const jobs = jobsOf(record.fullName, run.id, Number(run.run_attempt ?? 1));
    const { page, headers } = paginate(ctx, jobs);
    return { status: 200, body: { total_count: jobs.length, jobs: page }, headers };
  });

  router.add("GET", "/repos/:owner/:repo/actions/jobs/:id", (ctx) => {
    const record = repoOf(core, ctx);
    const job = state.jobs.find((j) => j.id === numberParam(ctx, "id") && inRepo(record.fullName)(j));
    if (!job) throw new HttpError(404, "Not Found");
    return { status: 200, body: job };
  });

  // GitHub answers 302 to a signed URL on another host that lives about a minute; here a one-time /_blobs/
  // link. The first `expireFirstLinks` links handed out answer 403, like a URL that expired before use.
  router.add("GET", "/repos/:owner/:repo/actions/jobs/:id/logs", (ctx) => {
    const record = repoOf(core, ctx);
    const jobId = numberParam(ctx, "id");
    const log = state.internal.logs[jobId];
    if (!log || !state.jobs.some((j) => j.id === jobId && inRepo(record.fullName)(j))) throw new HttpError(404, "Not Found");
    const token = randomBytes(16).toString("hex");
    const expired = log.expireFirstLinks > 0;
    if (expired) log.expireFirstLinks--;
    state.internal.blobLinks[token] = { jobId, expired };
    return { status: 302, headers: { location: `${core.origin()}/_blobs/${token}?sig=${randomBytes(8).toString("hex")}` } };
  });

  router.add("GET", "/repos/:owner/:repo/actions/workflows/:id/runs", (ctx) => {
    const record = repoOf(core, ctx);
    const workflowId = Number(ctx.params.id);
    const branch = ctx.query.get("branch");
    const status = ctx.query.get("status");
    const runs = state.workflowRuns
      .filter(inRepo(record.fullName))
      .filter((r) => r.workflow_id === workflowId || r.path === ctx.params.id)
      .filter((r) => !branch || r.head_branch === branch)
      .filter((r) => !status || r.conclusion === status || r.status === status)
      .sort((a, b) => b.id - a.id);
    const { page, headers } = paginate(ctx, runs);
    return { status: 200, body: { total_count: runs.length, workflow_runs: page }, headers };
  });

  router.add("GET", "/repos/:owner/:repo/actions/runs", (ctx) => {
    const record = repoOf(core, ctx);
    const headSha = ctx.query.get("head_sha");
    const status = ctx.query.get("status");
    const runs = state.workflowRuns
      .filter(inRepo(record.fullName))
      .filter((r) => !headSha || r.head_sha === headSha)
      .filter((r) => !status || r.conclusion === status || r.status === status)
      .sort((a, b) => b.id - a.id);
    const { page, headers } = paginate(ctx, runs);
    return { status: 200, body: { total_count: runs.length, workflow_runs: page }, headers };
  });
}

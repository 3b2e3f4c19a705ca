import { randomBytes } from "node:crypto";
import { numberParam, repoOf, type StandInCore } from "./core.js";
import { HttpError, paginate, type Router } from "./http-kit.js";
import { inRepo } from "./state.js";

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

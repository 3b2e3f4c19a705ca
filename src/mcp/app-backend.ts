// The tools as the app does them: each task is a job on the app's own queue (the queue, the gates, the policy and
// the budgets of `/codex`), keyed `task:<repo>:<id>` and recorded with who asked (`mcp:<token name>`).
import { workflowRunSource } from "../pipeline/steps/triage-source.js";
import { randomBytes } from "node:crypto";
import type { Logger } from "probot";
import { getBranchHead } from "../github/branches.js";
import { isGitHubStatus } from "../github/errors.js";
import { getWorkflowRun } from "../github/actions.js";
import { cancelJob } from "../jobs/cancel.js";
import type { Database } from "../jobs/db.js";
import type { JobQueue } from "../jobs/queue.js";
import type { JobRecord } from "../jobs/records.js";
import { submitJob, type AnyJob } from "../jobs/submit.js";
import { findTaskRecord, listTaskRecords, taskKey } from "../jobs/tasks.js";
import { targetKey, type AskJob, type FixJob, type TriageJob } from "../jobs/types.js";
import { ToolError, type ToolBackend } from "./backend.js";
import { outOfScope, resolveRepo, type AppClients, type ResolvedRepo } from "./app-repo.js";
import { inScope, type McpTokenEntry } from "./tokens.js";

export interface AppBackendDeps extends AppClients {
  db: Database;
  queue: JobQueue;
  log: Logger;
}

/** 16 characters of [0-9a-f]: short, unguessable (64 bits), and a valid branch name as it is. */
function newTaskId(): string {
  return randomBytes(8).toString("hex");
}

function statusOf(record: JobRecord) {
  return {
    task_id: record.meta.task,
    repository: record.repo,
    kind: record.kind,
    status: record.status,
    phase: record.phase,
    outcome: record.outcome,
    requested_by: record.meta.requestedBy ?? null,
    created_at: record.createdAt,
    started_at: record.startedAt,
    finished_at: record.finishedAt,
  };
}

/** The tools for the holder of `token`: every task it names is checked against the token's repositories. */
export function createAppBackend(deps: AppBackendDeps, token: McpTokenEntry): ToolBackend {
  const requestedBy = `mcp:${token.name}`;

  const task = async (taskId: string): Promise<JobRecord> => {
    const record = await findTaskRecord(deps.db, taskId);
    if (!record) throw new ToolError(`There is no task ${taskId}.`);
    if (!inScope(token, record.repo)) throw outOfScope(record.repo);
    return record;
  };

  const submit = async (r: ResolvedRepo, taskId: string, job: AnyJob, meta: Record<string, unknown> = {}, serialKey?: string) => {
    await submitJob(deps.db, deps.queue, job, { meta: { task: taskId, requestedBy, ...meta }, serialKey });
    deps.log.info({ task: taskId, kind: job.kind, repo: r.repo.fullName, requestedBy }, "mcp task queued");
    return { task_id: taskId, repository: r.repo.fullName, kind: job.kind, status: "queued" };
  };

  return {
    async dispatchTask({ repository, instruction, base, agent }) {
      const r = await resolveRepo(deps, token, repository);
      if (base !== undefined && !(await getBranchHead(r.gh, { owner: r.repo.owner, repo: r.repo.name, branch: base })))
        throw new ToolError(`There is no branch ${base} in ${r.repo.fullName}.`);
      const taskId = newTaskId();
      const job: FixJob = {
        kind: "fix",
        key: taskKey(r.repo.fullName, taskId),
        installationId: r.installationId,
        deliveryId: `mcp-${taskId}`,
        repo: r.repo,
        requestedBy,
        origin: { type: "task", taskId, instruction, base: base ?? null, ...(agent ? { agent } : {}) },
        config: r.config,
      };
      return submit(r, taskId, job, { branch: `codex/task/${taskId}` });
    },

    async explain({ repository, question }) {
      const r = await resolveRepo(deps, token, repository);
      const taskId = newTaskId();
      const job: AskJob = {
        kind: "explain",
        key: taskKey(r.repo.fullName, taskId),
        installationId: r.installationId,
        deliveryId: `mcp-${taskId}`,
        repo: r.repo,
        requestedBy,
        issueNumber: null,
        isPullRequest: false,
        commentId: null,
        commentKind: "issue",
        question,
        config: r.config,
      };
      return submit(r, taskId, job);
    },

    async triageRun({ repository, run_id }) {
      const r = await resolveRepo(deps, token, repository);
      const run = await getWorkflowRun(r.gh, { owner: r.repo.owner, repo: r.repo.name, runId: run_id }).catch((err: unknown) => {
        throw isGitHubStatus(err, 404) ? new ToolError(`There is no workflow run ${run_id} in ${r.repo.fullName}.`) : err;
      });
      if (run.status !== "completed" || (run.conclusion !== "failure" && run.conclusion !== "timed_out"))
        throw new ToolError(`Workflow run ${run_id} has not failed (status ${run.status ?? "?"}, conclusion ${run.conclusion ?? "none"}).`);
      const taskId = newTaskId();
      // As `/codex triage` builds it (command.ts queueTriage), from the run read fresh.
      const job: TriageJob = {
        kind: "triage",
        key: taskKey(r.repo.fullName, taskId),
        installationId: r.installationId,
        deliveryId: `mcp-${taskId}`,
        repo: r.repo,
        headSha: run.headSha,
        headBranch: run.headBranch,
        pullNumbers: run.pullRequestNumbers,
        fromFork: (run.headRepoFullName ?? r.repo.fullName).toLowerCase() !== r.repo.fullName.toLowerCase(),
        source: workflowRunSource(run),
      };
      const pr = run.pullRequestNumbers[0];
      return submit(r, taskId, job, { branch: run.headBranch, sha: run.headSha }, pr ? targetKey(r.repo.fullName, pr) : undefined);
    },

    async taskStatus({ task_id }) {
      return statusOf(await task(task_id));
    },

    async taskResult({ task_id }) {
      const record = await task(task_id);
      const result = record.result ?? null;
      return {
        ...statusOf(record),
        error: record.error,
        pr_url: typeof result?.pr_url === "string" ? result.pr_url : (record.links.pr ?? null),
        links: record.links,
        tokens: record.tokens,
        cost_usd: record.costUsd ?? null,
        result,
      };
    },

    async cancelTask({ task_id }) {
      const record = await task(task_id);
      const outcome = await cancelJob(deps.db, record.key, `cancelled through MCP by ${requestedBy}`);
      const said = { "cancelled-queued": "cancelled", "cancel-requested": "cancelling", "not-running": "not running" }[outcome];
      return { task_id, status: said, was: record.status };
    },

    async listTasks({ repository }) {
      if (repository !== undefined && !inScope(token, repository)) throw outOfScope(repository);
      const scopes = token.repos.map((s) => s.toLowerCase().split("/"));
      const records = await listTaskRecords(deps.db, {
        repos: repository ? [repository.toLowerCase()] : scopes.filter(([, n]) => n !== "*").map((s) => s.join("/")),
        owners: repository ? [] : scopes.filter(([, n]) => n === "*").map(([o]) => o),
        limit: 100,
      });
      return { tasks: records.filter((r) => inScope(token, r.repo)).map(statusOf) };
    },
  };
}

import { z } from "zod";
import type { GitHubClient } from "./client.js";
import { callGitHub } from "./errors.js";

export interface WorkflowRun {
  id: number;
  name: string | null;
  runAttempt: number;
  headSha: string;
  headBranch: string | null;
  /** owner/name of the repository the head commit lives in: differs from the base for fork PRs. */
  headRepoFullName: string | null;
  event: string | null;
  status: string | null;
  conclusion: string | null;
  htmlUrl: string;
  workflowId: number;
  /** Empty for pull requests from forks: find those with findPullRequestsForSha. */
  pullRequestNumbers: number[];
}

const Params = z.object({ owner: z.string().min(1), repo: z.string().min(1), runId: z.number().int().positive() });

const Run = z.object({
  id: z.number(),
  name: z.string().nullable().optional(),
  run_attempt: z.number().optional(),
  head_sha: z.string(),
  head_branch: z.string().nullable().optional(),
  head_repository: z.object({ full_name: z.string() }).nullable().optional(),
  event: z.string().nullable().optional(),
  status: z.string().nullable().optional(),
  conclusion: z.string().nullable().optional(),
  html_url: z.string(),
  workflow_id: z.number(),
  pull_requests: z
    .array(z.object({ number: z.number() }))
    .nullable()
    .optional(),
});

/** Turns one workflow run object of the Actions API (or of a webhook payload) into plain data. */
export function toWorkflowRun(raw: unknown): WorkflowRun {
  const run = Run.parse(raw);
  return {
    id: run.id,
    name: run.name ?? null,
    runAttempt: run.run_attempt ?? 1,
    headSha: run.head_sha,
    headBranch: run.head_branch || null,
    headRepoFullName: run.head_repository?.full_name ?? null,
    event: run.event ?? null,
    status: run.status ?? null,
    conclusion: run.conclusion ?? null,
    htmlUrl: run.html_url,
    workflowId: run.workflow_id,
    pullRequestNumbers: (run.pull_requests ?? []).map((pr) => pr.number),
  };
}

/** The fields of a workflow run the pipeline uses, read fresh (webhooks may arrive late or out of order). */
export async function getWorkflowRun(gh: GitHubClient, params: { owner: string; repo: string; runId: number }): Promise<WorkflowRun> {
  const { owner, repo, runId } = Params.parse(params);
  const route = `GET /repos/${owner}/${repo}/actions/runs/${runId}`;
  const response = await callGitHub(route, () =>
    gh.request("GET /repos/{owner}/{repo}/actions/runs/{run_id}", { owner, repo, run_id: runId }),
  );
  return toWorkflowRun(response.data);
}

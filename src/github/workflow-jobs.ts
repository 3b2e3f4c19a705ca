import { z } from "zod";
import type { GitHubClient } from "./client.js";
import { callGitHub } from "./errors.js";

export interface WorkflowJob {
  id: number;
  name: string;
  conclusion: string | null;
  status: string;
  htmlUrl: string | null;
  startedAt: string | null;
  completedAt: string | null;
  steps: { name: string; number: number; conclusion: string | null }[];
}

const Params = z.object({
  owner: z.string().min(1),
  repo: z.string().min(1),
  runId: z.number().int().positive(),
  attempt: z.number().int().positive(),
});

const Job = z.object({
  id: z.number(),
  name: z.string(),
  conclusion: z.string().nullable(),
  status: z.string(),
  html_url: z.string().nullable().optional(),
  started_at: z.string().nullable().optional(),
  completed_at: z.string().nullable().optional(),
  steps: z.array(z.object({ name: z.string(), number: z.number(), conclusion: z.string().nullable() })).optional(),
});

/** Turns one job object of the Actions API into plain data. */
export function toWorkflowJob(raw: unknown): WorkflowJob {
  const job = Job.parse(raw);
  return {
    id: job.id,
    name: job.name,
    conclusion: job.conclusion,
    status: job.status,
    htmlUrl: job.html_url ?? null,
    startedAt: job.started_at ?? null,
    completedAt: job.completed_at ?? null,
    steps: (job.steps ?? []).map((s) => ({ name: s.name, number: s.number, conclusion: s.conclusion })),
  };
}

/** Every job of one attempt of a workflow run (a re-run is a new attempt with new job ids). */
export async function listRunAttemptJobs(
  gh: GitHubClient,
  params: { owner: string; repo: string; runId: number; attempt: number },
): Promise<WorkflowJob[]> {
  const { owner, repo, runId, attempt } = Params.parse(params);
  const route = `GET /repos/${owner}/${repo}/actions/runs/${runId}/attempts/${attempt}/jobs`;
  const jobs = await callGitHub(route, () =>
    gh.paginate("GET /repos/{owner}/{repo}/actions/runs/{run_id}/attempts/{attempt_number}/jobs", {
      owner,
      repo,
      run_id: runId,
      attempt_number: attempt,
      per_page: 100,
    }),
  );
  return jobs.map(toWorkflowJob);
}

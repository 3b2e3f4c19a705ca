import { rm } from "node:fs/promises";
import { z } from "zod";
import type { GitHubClient } from "./client.js";
import { downloadJobLog, type LogFileInfo } from "./job-log.js";
import { listRunAttemptJobs } from "./workflow-jobs.js";

const Params = z.object({
  owner: z.string().min(1),
  repo: z.string().min(1),
  workflowId: z.number().int().positive(),
  branch: z.string().min(1),
  jobName: z.string().min(1),
});

const Runs = z.object({
  workflow_runs: z.array(z.object({ id: z.number(), run_attempt: z.number().optional() })),
});

/**
 * Streams the log of the same job in the most recent successful run of the same workflow on the branch to
 * `file`, capped like the failed job's (downloadJobLog): comparing a red log with a green one shows what
 * changed. It is optional context, so any failure yields null and leaves no file behind.
 */
export async function findLastGreenJobLog(
  gh: GitHubClient,
  params: { owner: string; repo: string; workflowId: number; branch: string; jobName: string },
  file: string,
  options: { maxBytes?: number } = {},
): Promise<LogFileInfo | null> {
  try {
    const { owner, repo, workflowId, branch, jobName } = Params.parse(params);
    const response = await gh.request("GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs", {
      owner,
      repo,
      workflow_id: workflowId,
      branch,
      status: "success",
      per_page: 5,
    });
    for (const run of Runs.parse(response.data).workflow_runs) {
      const jobs = await listRunAttemptJobs(gh, { owner, repo, runId: run.id, attempt: run.run_attempt ?? 1 });
      const job = jobs.find((j) => j.name === jobName && j.conclusion === "success");
      if (job) return await downloadJobLog(gh, { owner, repo, jobId: job.id }, file, { maxBytes: options.maxBytes });
    }
    return null;
  } catch {
    await rm(file, { force: true }).catch(() => {});
    return null;
  }
}

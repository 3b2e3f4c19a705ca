import { z } from "zod";
import type { GitHubClient } from "./client.js";
import { callGitHub } from "./errors.js";
import { toWorkflowRun, type WorkflowRun } from "./workflow-run.js";

const List = z.object({ workflow_runs: z.array(z.unknown()) });

/** Every Actions run of a commit, each in the state of its latest attempt (a race's candidates are judged by them). */
export async function listCommitRuns(gh: GitHubClient, params: { owner: string; repo: string; headSha: string }): Promise<WorkflowRun[]> {
  const { owner, repo, headSha } = params;
  const response = await callGitHub(`GET /repos/${owner}/${repo}/actions/runs?head_sha=${headSha}`, () =>
    gh.request("GET /repos/{owner}/{repo}/actions/runs", { owner, repo, head_sha: headSha, per_page: 100 }),
  );
  return List.parse(response.data).workflow_runs.map(toWorkflowRun);
}

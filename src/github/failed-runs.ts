import { z } from "zod";
import type { GitHubClient } from "./client.js";
import { callGitHub } from "./errors.js";
import { toWorkflowRun, type WorkflowRun } from "./workflow-run.js";

const List = z.object({ workflow_runs: z.array(z.unknown()) });

/** The newest failed Actions run of a commit (for `/codex triage`), or null. */
export async function findLatestFailedRun(
  gh: GitHubClient,
  params: { owner: string; repo: string; headSha: string },
): Promise<WorkflowRun | null> {
  const { owner, repo, headSha } = params;
  const route = `GET /repos/${owner}/${repo}/actions/runs?head_sha=${headSha}`;
  const runs: WorkflowRun[] = [];
  for (const status of ["failure", "timed_out"]) {
    const response = await callGitHub(route, () =>
      gh.request("GET /repos/{owner}/{repo}/actions/runs", { owner, repo, head_sha: headSha, status: status as "failure", per_page: 5 }),
    );
    runs.push(...List.parse(response.data).workflow_runs.map(toWorkflowRun));
  }
  return runs.sort((a, b) => b.id - a.id)[0] ?? null;
}

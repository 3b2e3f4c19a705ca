import type { GitHubClient } from "../../github/client.js";
import { findPullRequestsForSha, getPullRequest } from "../../github/pulls.js";
import type { TriageJob } from "../../jobs/types.js";

/**
 * Open PRs whose head is still this commit: an old event must not comment on a PR that moved on.
 * Fork PRs are missing from workflow_run payloads, so without numbers we ask by sha.
 */
export async function pullRequestsToComment(gh: GitHubClient, job: TriageJob) {
  const { owner, name: repo } = job.repo;
  const prs = job.pullNumbers.length
    ? await Promise.all(job.pullNumbers.map((number) => getPullRequest(gh, { owner, repo, number })))
    : await findPullRequestsForSha(gh, { owner, repo, sha: job.headSha });
  return prs.filter((pr) => pr.state === "open" && pr.headSha === job.headSha);
}

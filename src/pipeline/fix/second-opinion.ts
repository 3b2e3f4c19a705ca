// fix.second_opinion, the fix side: once one agent drafted or updated a fix PR, queue the other's review of the
// head it pushed (ask/second-opinion.ts runs it), and make the round that review may ask for the author's.
import type { AgentBackend } from "../../agent/agent.js";
import type { RepoConfig } from "../../config/repo-config.js";
import { secondOpinionKey, targetKey } from "../../jobs/keys.js";
import { submitJob } from "../../jobs/submit.js";
import type { FixJob, SecondOpinionJob } from "../../jobs/types.js";
import type { AgentChoice } from "../steps/agent-choice.js";
import { agentName } from "../steps/spend.js";
import type { PipelineDeps } from "../deps.js";

/** After publishFix pushed `headSha` to the bot's PR: queues the configured reviewer's look at it, if any. */
export async function requestSecondOpinion(
  deps: PipelineDeps,
  job: FixJob,
  fixConfig: RepoConfig["fix"],
  pr: { number: number; branch: string; headSha: string; author: AgentBackend | undefined },
): Promise<boolean> {
  const reviewer = fixConfig.second_opinion;
  // A second opinion is another agent's: the named one does not review its own work. Maintenance PRs are
  // rebuilt by their task on schedule, not fixed in rounds.
  if (reviewer === "off" || !pr.author || pr.author === reviewer || job.origin.type === "maintenance") return false;
  if (!pr.branch.startsWith("codex/")) return false;
  const review: SecondOpinionJob = {
    kind: "second-opinion",
    key: secondOpinionKey(job.repo.fullName, pr.number, pr.headSha),
    installationId: job.installationId,
    deliveryId: job.deliveryId,
    repo: job.repo,
    prNumber: pr.number,
    branch: pr.branch,
    headSha: pr.headSha,
    author: pr.author,
    reviewer,
  };
  // Same serial key as the PR's rounds: it waits for the job that pushed, then sees that job's head.
  await submitJob(deps.db, deps.queue, review, {
    meta: { pr: pr.number, sha: pr.headSha },
    serialKey: targetKey(job.repo.fullName, pr.number),
  });
  return true;
}

/**
 * The agent a fix job must use: a second opinion's round is the PR author's, whatever routing would pick; an MCP
 * task that named an agent gets that one.
 */
export function roundAuthor(job: FixJob): AgentChoice | undefined {
  if (job.origin.type === "task" && job.origin.agent) return { backend: job.origin.agent, reason: "the MCP task asked for it" };
  if (job.origin.type !== "review" || !job.origin.secondOpinion) return undefined;
  const { author, reviewer } = job.origin.secondOpinion;
  return {
    backend: author,
    reason: `fix.second_opinion: ${agentName(author)} wrote this pull request, ${agentName(reviewer)} reviewed it`,
  };
}

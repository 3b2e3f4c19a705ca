// fix.race_judge: checks. Both candidates of a race that passed the bot's own checks are pushed, each as a draft
// PR (the verify winner on the fix's branch, the other on `<branch>-<agent>`), and recorded: the repository's CI
// on their heads decides between them later (race-judge.ts). Only the first PR's progress is said on the issue;
// one more comment says that both are open and how the winner will be picked.
import type { GitHubClient } from "../../github/client.js";
import { recordRaceCandidates } from "../../jobs/race-candidates.js";
import type { FixJob } from "../../jobs/types.js";
import type { JobResult } from "../../jobs/worker/job-context.js";
import type { RepoConfig } from "../../config/repo-config.js";
import { Conversation } from "../steps/conversation.js";
import { agentName } from "../steps/spend.js";
import type { PipelineDeps } from "../deps.js";
import { publishFix, type FixPublication } from "./publish.js";
import type { RaceEntry } from "./race.js";
import type { FixTarget } from "./target.js";

export interface Candidate {
  entry: RaceEntry;
  publication: FixPublication;
}

const PUBLISHED = /^(?:pr-opened|pushed to) #(\d+)$/;

export async function publishCandidates(
  deps: PipelineDeps,
  gh: GitHubClient,
  job: FixJob,
  target: FixTarget,
  talk: Conversation,
  [first, second]: [Candidate, Candidate],
  fixConfig: RepoConfig["fix"],
): Promise<JobResult> {
  const one = await publishFix(deps, gh, job, target, talk, first.publication, fixConfig);
  const otherAgent = second.entry.attempt.spend.agent;
  // The second candidate's progress is not said on the issue: the first's sticky comment is the one.
  const silent = new Conversation({ deps, gh, repo: job.repo, issueNumber: null, jobKey: `${job.key}#${otherAgent}`, onError: () => {} });
  const otherTarget: FixTarget = {
    ...target,
    branch: `${target.branch}-${otherAgent}`,
    existingPr: null,
    expectedHead: undefined,
    reportOn: null,
  };
  const two = await publishFix(deps, gh, job, otherTarget, silent, second.publication, fixConfig);
  const [a, b] = [PUBLISHED.exec(one.outcome), PUBLISHED.exec(two.outcome)];
  if (!a || !b || !one.links?.commit || !two.links?.commit) return one;
  const tokens = first.publication.tokens;
  await recordRaceCandidates(deps.db, [
    candidate(job, first, target.branch, Number(a[1]), one.links.commit),
    candidate(job, second, otherTarget.branch, Number(b[1]), two.links.commit),
  ]);
  await talk.say(
    `Race: ${agentName(first.entry.attempt.spend.agent)}'s #${a[1]} and ${agentName(otherAgent)}'s #${b[1]} both passed the bot's checks and are open as drafts. The repository's CI decides: the candidate whose runs all pass wins (then the smaller diff), and the other pull request is closed.`,
  );
  return {
    outcome: `race: candidates #${a[1]} #${b[1]}`,
    tokens,
    links: { pr: one.links.pr ?? `#${a[1]}`, other: two.links.pr ?? `#${b[1]}` },
  };
}

function candidate(job: FixJob, c: Candidate, branch: string, prNumber: number, headSha: string) {
  return {
    raceKey: job.key,
    repo: job.repo.fullName,
    agent: c.entry.attempt.spend.agent,
    branch,
    prNumber,
    headSha,
    lines: c.entry.lines,
    costUsd: c.entry.attempt.tokens.costUsd,
  };
}

import { workflowRunTriageKey } from "../../src/jobs/keys.js";
import { createBareRemote, type BareRemote } from "../../src/workspace/bare-remote.js";
import { userOf } from "../github-standin/state.js";
import type { ScriptStep } from "../scripted-model.js";
import type { Harness } from "../harness.js";
import {
  addDemoFailedRun,
  DEMO_BUGGY_SUM,
  DEMO_FILES,
  DEMO_REPO,
  demoFailingLog,
  demoTriageAnswer,
  demoWorkflowRunPayload,
} from "./ci-failure-fixture.js";

export interface CiFailureSetup {
  remote: BareRemote;
  repoFullName: string;
  headSha: string;
  prNumber: number;
  runId: number;
  jobId: number;
  payload: Record<string, unknown>;
  key: string;
}

/** The model's side of a good triage: look at the code, then answer in the report schema. */
export function ciFailureScript(answer: object = demoTriageAnswer()): ScriptStep[] {
  return [
    { kind: "exec", cmd: "grep -n 'return' src/sum.js" },
    { kind: "message", text: JSON.stringify(answer) },
  ];
}

export interface CiFailureOptions {
  /** .github/codex.yml on the default branch. */
  config?: string;
  /** The PR comes from a fork. */
  fork?: boolean;
  /** How many signed log URLs expire before one works. */
  expireFirstLinks?: number;
  withPullRequest?: boolean;
  /** The PR's head branch. */
  branch?: string;
  /** Repository name, so one harness can hold several scenarios. */
  repoName?: string;
  /** More files on the default branch. */
  baseFiles?: Record<string, string>;
  /** More files in the PR's head commit (what its author wrote). */
  headFiles?: Record<string, string>;
  /** Who opened the PR (a person's login); the App itself when omitted. */
  prAuthor?: string;
}

/**
 * A repository on a local bare remote, a PR that breaks `sum`, and the failed Actions run of that PR as
 * GitHub would report it: the run, its jobs and steps, the job's log, and the workflow_run webhook.
 */
export async function setupCiFailure(h: Harness, opts: CiFailureOptions = {}): Promise<CiFailureSetup> {
  const files = { ...DEMO_FILES, ...(opts.config ? { ".github/codex.yml": opts.config } : {}), ...opts.baseFiles };
  const remote = await createBareRemote({ files });
  const branch = opts.branch ?? "feature/subtract";
  // A fork's head is only reachable through the base repository's pull ref, as on GitHub.
  const prRef = opts.fork ? "refs/pull/1/head" : `refs/heads/${branch}`;
  const headSha = await remote.commit({ "src/sum.js": DEMO_BUGGY_SUM, ...opts.headFiles }, "Use subtraction helper", prRef);
  const name = opts.repoName ?? DEMO_REPO.name;
  const repoFullName = `${DEMO_REPO.owner}/${name}`;
  const repository = h.standIn.addRepo({ owner: DEMO_REPO.owner, name, cloneUrl: remote.url, installationId: DEMO_REPO.installationId });
  const headRepoFullName = opts.fork ? `contributor/${name}` : repoFullName;
  const pr =
    opts.withPullRequest === false
      ? null
      : h.standIn.addPullRequest(repoFullName, {
          title: "Use subtraction helper",
          head: branch,
          headSha,
          base: "main",
          headRepoFullName,
          ...(opts.prAuthor ? { user: userOf(opts.prAuthor) } : {}),
        });
  const run = addDemoFailedRun(h.standIn, repoFullName, {
    headSha,
    branch,
    // GitHub leaves pull_requests empty for runs of fork PRs.
    pullRequests: pr && !opts.fork ? [pr.number] : [],
    headRepoFullName,
  });
  const jobId = (h.standIn.state.jobs.find((j) => j.run_id === run.id) as { id: number }).id;
  if (opts.expireFirstLinks) h.standIn.setJobLog(repoFullName, jobId, demoFailingLog(headSha), { expireFirstLinks: opts.expireFirstLinks });
  const payload = demoWorkflowRunPayload(run, repository);
  return {
    remote,
    repoFullName,
    headSha,
    prNumber: pr?.number ?? 0,
    runId: run.id,
    jobId,
    payload,
    key: workflowRunTriageKey(repoFullName, headSha, run.id, 1),
  };
}

import type { GitHubClient } from "../../github/client.js";
import { botBranchName, getBranchHead } from "../../github/branches.js";
import { getIssue } from "../../github/issues.js";
import { findOpenBotPullRequest } from "../../github/fix-pull-request.js";
import { getPullRequest, type PullRequestInfo } from "../../github/pulls.js";
import type { AgentBackend } from "../../agent/agent.js";
import { listReviewComments } from "../../github/reviews.js";
import type { FixJob } from "../../jobs/types.js";
import { resolvePlanItemTarget } from "./plan-target.js";
import type { TargetResult } from "./target-types.js";

export type { FixTarget, TargetResult } from "./target-types.js";

/** The `agent` of the PR body's hand-off block (render.ts), if it has one. */
export function handoffAuthor(body: string | null): AgentBackend | undefined {
  const match = /"agent": "(codex|claude)"/.exec(body ?? "");
  return match ? (match[1] as AgentBackend) : undefined;
}

const BOT_PREFIX = "codex/";

function isSameRepo(pr: PullRequestInfo, fullName: string): boolean {
  return (pr.headRepoFullName ?? "").toLowerCase() === fullName.toLowerCase();
}

/**
 * Resolves a fix job against GitHub as it is now (events are old by the time a worker runs them). Refuses
 * what the bot must never do: work on a fork's head, on a closed PR, or on a PR that moved on.
 */
export async function resolveFixTarget(gh: GitHubClient, job: FixJob): Promise<TargetResult> {
  const { owner, name: repo, fullName, defaultBranch } = job.repo;
  const origin = job.origin;

  if (origin.type === "triage") {
    if (origin.headBranch.startsWith(BOT_PREFIX))
      return { ok: false, reason: "the failure is on the bot's own branch; it does not fix its own fixes", reportOn: origin.prNumber };
    if (origin.prNumber !== null) {
      const pr = await getPullRequest(gh, { owner, repo, number: origin.prNumber });
      if (!isSameRepo(pr, fullName))
        return { ok: false, reason: "the pull request comes from a fork: fork heads get triage only", reportOn: pr.number };
      if (pr.state !== "open") return { ok: false, reason: "the pull request is closed", reportOn: null };
      if (pr.headSha !== origin.headSha)
        return {
          ok: false,
          reason: "the pull request has new commits since this run; the next failure will be triaged afresh",
          reportOn: pr.number,
        };
    }
    const where = origin.prNumber !== null ? `pr-${origin.prNumber}` : origin.headBranch;
    return {
      ok: true,
      target: {
        baseSha: origin.headSha,
        baseRef: origin.headBranch,
        prBase: origin.headBranch,
        branch: botBranchName("ci", `${where}-${origin.headSha.slice(0, 7)}`),
        existingPr: null,
        expectedHead: undefined,
        reportOn: origin.prNumber,
        // The CI's name is the repository's text: it goes into the fenced context, never into our task line.
        task: `Fix the CI failure at ${origin.headSha.slice(0, 7)} that the triage below explains.`,
        context: [
          {
            label: "The triage",
            text: [
              `CI: ${origin.ciName}`,
              `Summary: ${origin.summary}`,
              `Root cause: ${origin.rootCause}`,
              `Suggested fix: ${origin.suggestedFix}`,
              ...origin.locations.map((l) => `Location: ${l.path}${l.line ? `:${l.line}` : ""} ${l.message}`),
              ...origin.evidence.map((e) => `Evidence: ${e}`),
            ].join("\n"),
          },
        ],
        closes: null,
        describe: origin.prNumber !== null ? `the CI failure on #${origin.prNumber}` : `the CI failure on ${origin.headBranch}`,
      },
    };
  }

  if (origin.type === "review") {
    const pr = await getPullRequest(gh, { owner, repo, number: origin.prNumber });
    if (pr.state !== "open") return { ok: false, reason: "the pull request is closed", reportOn: null };
    if (!isSameRepo(pr, fullName) || pr.headRef !== origin.branch || !pr.headRef.startsWith(BOT_PREFIX)) {
      return { ok: false, reason: "review follow-ups only run on the bot's own pull requests", reportOn: pr.number };
    }
    const comments = await listReviewComments(gh, { owner, repo, pullNumber: pr.number, reviewId: origin.reviewId });
    return {
      ok: true,
      target: {
        baseSha: pr.headSha,
        baseRef: pr.headRef,
        prBase: pr.baseRef,
        branch: pr.headRef,
        existingPr: pr.number,
        expectedHead: undefined,
        reportOn: pr.number,
        task: `Address the review feedback on this pull request (round ${origin.round}).`,
        context: [
          {
            label: "Review feedback",
            text: [origin.feedback, ...comments.map((c) => `${c.path}${c.line ? `:${c.line}` : ""}: ${c.body}`)]
              .filter(Boolean)
              .join("\n\n"),
          },
        ],
        closes: null,
        describe: `review round ${origin.round} on #${pr.number}`,
        author: handoffAuthor(pr.body),
      },
    };
  }

  if (origin.type === "task") {
    // An MCP task: no issue to report on (reportOn null keeps the conversation quiet); the caller reads the result.
    const base = origin.base ?? defaultBranch;
    const baseSha = await getBranchHead(gh, { owner, repo, branch: base });
    if (!baseSha) return { ok: false, reason: `the branch ${base} was not found`, reportOn: null };
    return {
      ok: true,
      target: {
        baseSha,
        baseRef: base,
        prBase: base,
        branch: botBranchName("task", origin.taskId),
        existingPr: null,
        expectedHead: undefined,
        reportOn: null,
        // The instruction is the caller's text: it goes into the fenced context, never into our task line.
        task: "Do what the request below asks in this repository.",
        context: [{ label: `The request (sent through MCP by ${job.requestedBy ?? "a token"})`, text: origin.instruction }],
        closes: null,
        describe: `task ${origin.taskId}, requested through MCP by \`${job.requestedBy ?? "a token"}\``,
      },
    };
  }

  // A maintenance task's target depends on its config (the task, its living PR): gates.ts sends those runs to
  // maintenance-gates.ts before it gets here.
  if (origin.type === "maintenance") throw new Error("resolveFixTarget: maintenance runs are resolved by resolveMaintenanceTarget");
  if (origin.type === "plan") return resolvePlanItemTarget(gh, job, origin);

  const number = origin.issueNumber;
  const issue = await getIssue(gh, { owner, repo, number });
  const issueContext = {
    label: `${issue.isPullRequest ? "Pull request" : "Issue"} #${issue.number}: title and description`,
    text: `${issue.title}\n\n${issue.body}`,
  };

  if (origin.type === "command" && origin.isPullRequest) {
    const pr = await getPullRequest(gh, { owner, repo, number });
    if (pr.state !== "open") return { ok: false, reason: "the pull request is closed", reportOn: number };
    if (!isSameRepo(pr, fullName))
      return { ok: false, reason: "the pull request comes from a fork: the bot never pushes to forks", reportOn: number };
    const own = pr.headRef.startsWith(BOT_PREFIX);
    return {
      ok: true,
      target: {
        baseSha: pr.headSha,
        baseRef: pr.headRef,
        prBase: own ? pr.baseRef : pr.headRef,
        // On its own PR the bot adds a commit; on a person's PR it opens a PR against their branch.
        branch: own ? pr.headRef : botBranchName("cmd", `pr-${number}-${origin.commentId}`),
        existingPr: own ? pr.number : null,
        expectedHead: undefined,
        reportOn: number,
        task: "Do what the maintainer asked in their comment on this pull request.",
        context: [issueContext, { label: "The maintainer's request", text: origin.instruction }],
        closes: null,
        describe: `#${number}`,
      },
    };
  }

  if (issue.state !== "open") return { ok: false, reason: "the issue is closed", reportOn: number };
  const instruction = origin.type === "command" ? origin.instruction.trim() : "";
  const context = instruction ? [issueContext, { label: "The maintainer's request", text: instruction }] : [issueContext];
  const task = `Resolve issue #${number}.${instruction ? " The maintainer's request below says how." : ""}`;
  // One issue, one living fix PR, whatever the trigger (the label, `/codex fix`, `/codex <instruction>`): a
  // later trigger continues the open PR's branch from its head instead of opening a second one.
  const branch = botBranchName("issue", String(number));
  const living = await findOpenBotPullRequest(gh, { owner, repo, branch });
  if (living) {
    return {
      ok: true,
      target: {
        baseSha: living.headSha,
        baseRef: branch,
        prBase: living.baseRef,
        branch,
        existingPr: living.number,
        expectedHead: undefined,
        reportOn: number,
        task,
        context,
        closes: number,
        describe: `#${number}`,
      },
    };
  }
  const baseSha = await getBranchHead(gh, { owner, repo, branch: defaultBranch });
  if (!baseSha) return { ok: false, reason: `the default branch ${defaultBranch} was not found`, reportOn: number };
  return {
    ok: true,
    target: {
      baseSha,
      baseRef: defaultBranch,
      prBase: defaultBranch,
      branch,
      existingPr: null,
      expectedHead: undefined,
      reportOn: number,
      task,
      context,
      closes: number,
      describe: `#${number}`,
    },
  };
}

// What the bot left on GitHub for one repository, read from the stand-in's state: the counts of a fault row.
import type { GitHubStandIn } from "../../demo/github-standin.js";
import { inRepo, type Json } from "../../demo/github-standin/state.js";

export interface GitHubCounts {
  /** Comments the App wrote (people's comments, such as a `/codex` command, are not counted). */
  comments: number;
  checkRuns: number;
  prs: number;
  /** Branches other than the default one: a fix's branch, or one a failed job left half-written. */
  botBranches: string[];
  /** The App's comments' bodies, in order, for a case's assertions. */
  commentBodies: string[];
}

const byBot = (c: Json) => (c.user as { type?: string } | undefined)?.type === "Bot";

export function countsOf(standIn: GitHubStandIn, repoFullName: string): GitHubCounts {
  const { state } = standIn;
  const mine = inRepo(repoFullName);
  const comments = state.comments.filter((c) => c.issue_url.includes(`/repos/${repoFullName}/`) && byBot(c));
  const repo = state.repos.find((r) => r.fullName === repoFullName);
  const defaultBranch = repo?.repo.default_branch ?? "main";
  return {
    comments: comments.length,
    checkRuns: state.checkRuns.filter(mine).length,
    prs: state.pullRequests.filter(mine).filter((p) => !isSeeded(p.head.ref)).length,
    botBranches: state.branches
      .filter((b) => b.repository === repoFullName && b.name !== defaultBranch)
      .map((b) => String(b.name))
      .filter((name) => !isSeeded(name)),
    commentBodies: comments.map((c) => c.body),
  };
}

// The failing PR's head branch, which the ci-failure scenario seeds itself (its PR too): not the bot's.
function isSeeded(name: string): boolean {
  return name === "feature/subtract";
}

import type { GitHubClient } from "../../github/client.js";
import { getCollaboratorPermission } from "../../github/permissions.js";
import type { PullRequestInfo } from "../../github/pulls.js";
import type { RepoRef } from "../../jobs/types.js";
import type { PipelineDeps } from "../deps.js";
import { permissionAtLeast } from "../../commands/authorize.js";

// A sandbox, even read-only, reads every file its user can. Without agent isolation that user is the bot's:
// the App's key, the database, other repositories' mirrors. Redaction is not a boundary, so code written by
// someone the repository does not trust (a fork's head, a pull request by a person without write access) gets
// no agent run at all there, and the person who would have read the answer is told why.
export const ISOLATION_OFF_NOTE =
  "agent isolation is off on this installation, so the agent would run as the bot's own user and could read its secrets. An operator can turn it on (see the Security model in codex-dispatch's README).";

/** Why the code under these pull requests is untrusted, or null. */
async function whyUntrusted(
  gh: GitHubClient,
  repo: RepoRef,
  prs: PullRequestInfo[],
  fromFork: boolean,
  appSlug?: string,
): Promise<string | null> {
  const same = (pr: PullRequestInfo) => (pr.headRepoFullName ?? "").toLowerCase() === repo.fullName.toLowerCase();
  if (fromFork || prs.some((pr) => !same(pr))) return "the pull request's code comes from a fork";
  for (const pr of prs) {
    // The App's own pull requests hold only what passed its diff policy, on a branch of this repository.
    if (appSlug && pr.authorLogin === `${appSlug}[bot]`) continue;
    const permission = pr.authorLogin
      ? await getCollaboratorPermission(gh, { owner: repo.owner, repo: repo.name, username: pr.authorLogin })
      : "none";
    if (!permissionAtLeast(permission, "write")) return "the pull request was opened by someone without write access";
  }
  return null;
}

/** The refusal to show, when agents are not isolated and the code is untrusted; null when the run may go ahead. */
export async function refuseUntrustedCode(
  deps: Pick<PipelineDeps, "isolation" | "env">,
  gh: GitHubClient,
  repo: RepoRef,
  prs: PullRequestInfo[],
  fromFork: boolean,
): Promise<string | null> {
  if (deps.isolation) return null;
  const why = await whyUntrusted(gh, repo, prs, fromFork, deps.env.APP_SLUG);
  return why ? `Codex did not run: ${why}, and ${ISOLATION_OFF_NOTE}` : null;
}

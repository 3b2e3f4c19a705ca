import { permissionAtLeast, refusalText } from "../../commands/authorize.js";
import type { GitHubClient } from "../../github/client.js";
import { upsertStickyComment } from "../../github/comments.js";
import { getCollaboratorPermission } from "../../github/permissions.js";
import type { RepoRef } from "../../jobs/types.js";

/**
 * Only people with at least the configured permission start work. Checked when the job runs, with the
 * collaborator permission API, never from the payload. A refusal gets one reply per person and issue: a
 * sticky comment, so ten refused commands do not make ten comments.
 */
export async function authorizeRequester(
  gh: GitHubClient,
  repo: RepoRef,
  login: string,
  required: string,
  replyOn: number | null,
): Promise<boolean> {
  const permission = await getCollaboratorPermission(gh, { owner: repo.owner, repo: repo.name, username: login });
  if (permissionAtLeast(permission, required)) return true;
  if (replyOn !== null) {
    const who = login.toLowerCase().replace(/[^a-z0-9-]/g, "");
    await upsertStickyComment(gh, {
      owner: repo.owner,
      repo: repo.name,
      issueNumber: replyOn,
      marker: `<!-- codex-dispatch:refused:${who} -->`,
      body: refusalText(login, required),
    });
  }
  return false;
}

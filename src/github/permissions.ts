import { z } from "zod";
import type { GitHubClient } from "./client.js";
import { callGitHub, isGitHubStatus } from "./errors.js";

export type RepoPermission = "admin" | "maintain" | "write" | "triage" | "read" | "none";

const Params = z.object({
  owner: z.string().min(1),
  repo: z.string().min(1),
  username: z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$/, "username is not a GitHub login"),
});
const Response = z.object({ permission: z.string(), role_name: z.string().optional() });

// The classic `permission` field folds "maintain" into write and "triage" into read, so a config asking for
// maintain or triage could not be honoured from it: `role_name` carries the real role. An organisation's custom
// role has a name of its own; it counts as its base (the coarse field). Anything unknown counts as none, so a
// new value never grants more than it should.
const ROLES: Record<string, RepoPermission> = {
  admin: "admin",
  maintain: "maintain",
  write: "write",
  triage: "triage",
  read: "read",
  none: "none",
};

/** The permission a user has on the repository; "none" when they are not a collaborator (404). */
export async function getCollaboratorPermission(
  gh: GitHubClient,
  params: { owner: string; repo: string; username: string },
): Promise<RepoPermission> {
  const { owner, repo, username } = Params.parse(params);
  const route = `GET /repos/${owner}/${repo}/collaborators/${username}/permission`;
  try {
    const response = await callGitHub(route, () =>
      gh.request("GET /repos/{owner}/{repo}/collaborators/{username}/permission", { owner, repo, username }),
    );
    const { permission, role_name: role } = Response.parse(response.data);
    return (role !== undefined ? ROLES[role.toLowerCase()] : undefined) ?? ROLES[permission] ?? "none";
  } catch (error) {
    if (isGitHubStatus(error, 404)) return "none";
    throw error;
  }
}

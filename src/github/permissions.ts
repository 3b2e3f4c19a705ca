import { z } from "zod";
import type { GitHubClient } from "./client.js";
import { callGitHub, isGitHubStatus } from "./errors.js";

export type RepoPermission = "admin" | "write" | "read" | "none";

const Params = z.object({
  owner: z.string().min(1),
  repo: z.string().min(1),
  username: z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$/, "username is not a GitHub login"),
});
const Response = z.object({ permission: z.string() });

// "maintain" and "triage" come back as write and read in the classic `permission` field; anything unknown
// counts as none so that a new value never grants more than it should.
const KNOWN: Record<string, RepoPermission> = { admin: "admin", write: "write", read: "read", none: "none" };

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
    return KNOWN[Response.parse(response.data).permission] ?? "none";
  } catch (error) {
    if (isGitHubStatus(error, 404)) return "none";
    throw error;
  }
}

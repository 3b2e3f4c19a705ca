// Which installation of the App covers a repository, and the repository itself: what the MCP server (src/mcp/)
// needs to queue a job for a repository named by a caller rather than by a webhook.
import { z } from "zod";
import type { GitHubClient } from "./client.js";
import { callGitHub, isGitHubStatus } from "./errors.js";
import type { InstalledRepository } from "./installations.js";

const Params = z.object({ owner: z.string().regex(/^[A-Za-z0-9_.-]+$/), repo: z.string().regex(/^[A-Za-z0-9_.-]+$/) });
const Installation = z.object({ id: z.number().int(), suspended_at: z.string().nullable().optional() });
const Repository = z.object({
  name: z.string().min(1),
  full_name: z.string().min(3),
  owner: z.object({ login: z.string().min(1) }),
  clone_url: z.string().min(1),
  default_branch: z.string().min(1),
  private: z.boolean(),
  archived: z.boolean().optional(),
});

/** The id of the installation that covers owner/repo (asked with the App's JWT client); null when none does. */
export async function findRepoInstallation(appGh: GitHubClient, params: { owner: string; repo: string }): Promise<number | null> {
  const { owner, repo } = Params.parse(params);
  try {
    const { data } = await callGitHub(`GET /repos/${owner}/${repo}/installation`, () =>
      appGh.request("GET /repos/{owner}/{repo}/installation", { owner, repo }),
    );
    const installation = Installation.parse(data);
    return installation.suspended_at ? null : installation.id;
  } catch (err) {
    if (isGitHubStatus(err, 404)) return null;
    throw err;
  }
}

/** The repository as the installation sees it now (its real name, default branch, clone URL). */
export async function getInstalledRepository(gh: GitHubClient, params: { owner: string; repo: string }): Promise<InstalledRepository> {
  const { owner, repo } = Params.parse(params);
  const { data } = await callGitHub(`GET /repos/${owner}/${repo}`, () => gh.request("GET /repos/{owner}/{repo}", { owner, repo }));
  const r = Repository.parse(data);
  return {
    owner: r.owner.login,
    name: r.name,
    fullName: r.full_name,
    cloneUrl: r.clone_url,
    defaultBranch: r.default_branch,
    private: r.private,
  };
}

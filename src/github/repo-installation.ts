// Which installation of the App covers a repository, and the repository itself: what the MCP server (src/mcp/)
// needs to queue a job for a repository named by a caller rather than by a webhook.
import { z } from "zod";
import type { GitHubClient } from "./client.js";
import { callGitHub, isGitHubStatus } from "./errors.js";
import { installedRepository, InstallationSchema, RepositorySchema, type InstalledRepository } from "./installations.js";

const Params = z.object({ owner: z.string().regex(/^[A-Za-z0-9_.-]+$/), repo: z.string().regex(/^[A-Za-z0-9_.-]+$/) });

/** The id of the installation that covers owner/repo (asked with the App's JWT client); null when none does. */
export async function findRepoInstallation(appGh: GitHubClient, params: { owner: string; repo: string }): Promise<number | null> {
  const { owner, repo } = Params.parse(params);
  try {
    const { data } = await callGitHub(`GET /repos/${owner}/${repo}/installation`, () =>
      appGh.request("GET /repos/{owner}/{repo}/installation", { owner, repo }),
    );
    const installation = InstallationSchema.parse(data);
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
  return installedRepository(RepositorySchema.parse(data));
}

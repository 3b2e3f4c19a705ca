import { parseRepoConfig, type ConfigResult } from "../config/repo-config.js";
import type { GitHubClient } from "../github/client.js";
import { fetchRepoConfigText } from "../github/repo-config.js";
import type { RepoRef } from "../jobs/types.js";

/** `.github/codex.yml` from the default branch: a pull request must not change how the bot treats it. */
export async function loadRepoConfig(gh: GitHubClient, repo: RepoRef): Promise<ConfigResult> {
  return parseRepoConfig(await fetchRepoConfigText(gh, { owner: repo.owner, repo: repo.name, ref: repo.defaultBranch }));
}

import { parseRepoConfig, RepoConfigSchema, type ConfigResult } from "../../config/repo-config.js";
import type { GitHubClient } from "../../github/client.js";
import { fetchRepoConfigText } from "../../github/repo-config.js";
import type { RepoRef } from "../../jobs/types.js";

/** `.github/codex.yml` from the default branch: a pull request must not change how the bot treats it. */
export async function loadRepoConfig(gh: GitHubClient, repo: RepoRef, snapshot?: unknown): Promise<ConfigResult> {
  // A job queued by a command carries the config the command read a moment before: one fetch per command.
  if (snapshot !== undefined) {
    const parsed = RepoConfigSchema.safeParse(snapshot);
    if (parsed.success) return { ok: true, config: parsed.data };
  }
  return parseRepoConfig(await fetchRepoConfigText(gh, { owner: repo.owner, repo: repo.name, ref: repo.defaultBranch }));
}

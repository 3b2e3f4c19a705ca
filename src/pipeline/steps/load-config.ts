import { resolveRepoConfig } from "../../config/config-extends.js";
import { CONFIG_PATH, RepoConfigSchema, type ConfigResult } from "../../config/repo-config.js";
import type { GitHubClient } from "../../github/client.js";
import { fetchConfigFileText, fetchRepoConfigText } from "../../github/repo-config.js";
import type { RepoRef } from "../../jobs/types.js";

/**
 * `.github/codex.yml` from the default branch (a pull request must not change how the bot treats it), with
 * its `_extends` bases merged in, each read from its own repository's default branch.
 */
export async function loadRepoConfig(gh: GitHubClient, repo: RepoRef, snapshot?: unknown): Promise<ConfigResult> {
  // A job queued by a command carries the config the command read a moment before: one fetch per command.
  if (snapshot !== undefined) {
    const parsed = RepoConfigSchema.safeParse(snapshot);
    if (parsed.success) return { ok: true, config: parsed.data };
  }
  const text = await fetchRepoConfigText(gh, { owner: repo.owner, repo: repo.name, ref: repo.defaultBranch });
  return resolveRepoConfig(text, { owner: repo.owner, repo: repo.name, path: CONFIG_PATH }, (file) => fetchConfigFileText(gh, file));
}

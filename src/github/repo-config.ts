import { z } from "zod";
import type { GitHubClient } from "./client.js";
import { fetchFileIfChanged } from "./conditional-file.js";

export const REPO_CONFIG_PATH = ".github/codex.yml";

const Params = z.object({ owner: z.string().min(1), repo: z.string().min(1), ref: z.string().min(1) });
const FileParams = z.object({
  owner: z.string().min(1),
  repo: z.string().min(1),
  path: z.string().min(1),
  ref: z.string().min(1).optional(),
});

/** The raw text of `.github/codex.yml` at `ref`, or null when the repository has no such file there. */
export async function fetchRepoConfigText(gh: GitHubClient, params: { owner: string; repo: string; ref: string }): Promise<string | null> {
  const { owner, repo, ref } = Params.parse(params);
  return fetchConfigFileText(gh, { owner, repo, path: REPO_CONFIG_PATH, ref });
}

/**
 * The raw text of a config file, or null when there is none. Without `ref`, GitHub reads the repository's
 * default branch: that is where an `_extends` base is read from.
 */
export async function fetchConfigFileText(
  gh: GitHubClient,
  params: { owner: string; repo: string; path: string; ref?: string },
): Promise<string | null> {
  const file = await fetchFileIfChanged(gh, { ...FileParams.parse(params), etag: null });
  return file.status === "changed" ? file.text : null;
}

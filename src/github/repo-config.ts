import { z } from "zod";
import type { GitHubClient } from "./client.js";
import { callGitHub, isGitHubStatus } from "./errors.js";

export const REPO_CONFIG_PATH = ".github/codex.yml";

const Params = z.object({ owner: z.string().min(1), repo: z.string().min(1), ref: z.string().min(1) });
const FileParams = z.object({
  owner: z.string().min(1),
  repo: z.string().min(1),
  path: z.string().min(1),
  ref: z.string().min(1).optional(),
});
// Without the raw media type GitHub answers JSON with base64 content (empty above 1 MB); ask for raw text,
// but still understand the JSON form in case a proxy or an older GHES ignores the Accept header.
const JsonFile = z.object({ type: z.literal("file"), encoding: z.string(), content: z.string() });

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
  const { owner, repo, path, ref } = FileParams.parse(params);
  const route = `GET /repos/${owner}/${repo}/contents/${path}`;
  try {
    const response = await callGitHub(route, () =>
      gh.request("GET /repos/{owner}/{repo}/contents/{path}", {
        owner,
        repo,
        path,
        ...(ref === undefined ? {} : { ref }),
        mediaType: { format: "raw" },
      }),
    );
    const data: unknown = response.data;
    if (typeof data === "string") return data;
    if (data instanceof ArrayBuffer) return Buffer.from(data).toString("utf8");
    const file = JsonFile.safeParse(data);
    if (!file.success) throw new Error(`${path} at ${ref ?? "the default branch"} is not a file`);
    return Buffer.from(file.data.content, file.data.encoding === "base64" ? "base64" : "utf8").toString("utf8");
  } catch (error) {
    if (isGitHubStatus(error, 404)) return null;
    throw error;
  }
}

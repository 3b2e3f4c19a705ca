// A file read again and again (the tick reads every repository's `.github/codex.yml` each minute) costs a
// conditional request: with the ETag of the last answer in If-None-Match, an unchanged file is a 304, which
// GitHub does not count against the rate limit.
import { z } from "zod";
import type { GitHubClient } from "./client.js";
import { callGitHub, isGitHubStatus } from "./errors.js";

const Params = z.object({
  owner: z.string().min(1),
  repo: z.string().min(1),
  path: z.string().min(1),
  ref: z.string().min(1).optional(),
  etag: z.string().min(1).nullable(),
});
// Without the raw media type GitHub answers JSON with base64 content (empty above 1 MB); we ask for raw text,
// but still understand the JSON form in case a proxy or an older GHES ignores the Accept header.
const JsonFile = z.object({ type: z.literal("file"), encoding: z.string(), content: z.string() });

function fileText(data: unknown, where: string): string {
  if (typeof data === "string") return data;
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString("utf8");
  const file = JsonFile.safeParse(data);
  if (!file.success) throw new Error(`${where} is not a file`);
  return Buffer.from(file.data.content, file.data.encoding === "base64" ? "base64" : "utf8").toString("utf8");
}

export type ConditionalFile =
  | { status: "unchanged" }
  /** text null: there is no such file (a 404 has no ETag, so the next read asks in full again). */
  | { status: "changed"; text: string | null; etag: string | null };

/** The raw text of a file unless it still has `etag`; a 404 is `changed` with null text. */
export async function fetchFileIfChanged(gh: GitHubClient, params: z.input<typeof Params>): Promise<ConditionalFile> {
  const { owner, repo, path, ref, etag } = Params.parse(params);
  const route = `GET /repos/${owner}/${repo}/contents/${path}`;
  try {
    const response = await callGitHub(route, () =>
      gh.request("GET /repos/{owner}/{repo}/contents/{path}", {
        owner,
        repo,
        path,
        ...(ref === undefined ? {} : { ref }),
        mediaType: { format: "raw" },
        ...(etag ? { headers: { "if-none-match": etag } } : {}),
      }),
    );
    const text = fileText(response.data, `${path} at ${ref ?? "the default branch"}`);
    return { status: "changed", text, etag: response.headers.etag ?? null };
  } catch (error) {
    if (isGitHubStatus(error, 304)) return { status: "unchanged" };
    if (isGitHubStatus(error, 404)) return { status: "changed", text: null, etag: null };
    throw error;
  }
}

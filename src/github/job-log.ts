import { z } from "zod";
import { writeTail, type TailInfo } from "../logs/tail-file.js";
import type { GitHubClient } from "./client.js";
import { callGitHub, GitHubError } from "./errors.js";

/** How much of one job log is kept on disk by default: its last 64 MiB (a failure is at the end). */
export const DEFAULT_LOG_MAX_BYTES = 64 * 1024 * 1024;

export type LogFileInfo = TailInfo;

const Params = z.object({ owner: z.string().min(1), repo: z.string().min(1), jobId: z.number().int().positive() });
const Options = z.object({
  maxTries: z.number().int().min(1).max(10).default(3),
  maxBytes: z
    .number()
    .int()
    .min(1)
    .max(Number.MAX_SAFE_INTEGER - 1)
    .default(DEFAULT_LOG_MAX_BYTES),
});

// The blob host answers these when the signed URL has expired (it lives about a minute) or was already used.
const EXPIRED = new Set([403, 404, 410]);

// Octokit with `parseSuccessResponseBody: false` hands over fetch's body stream (null when there is none).
function bodyStream(data: unknown): AsyncIterable<Uint8Array> {
  if (data === null || data === undefined || data === "") return (async function* () {})();
  if (data instanceof ReadableStream) return data as ReadableStream<Uint8Array>;
  throw new Error(`unexpected log body of type ${typeof data}`);
}

/**
 * Streams the plain-text log of one Actions job to `file`, keeping its last `maxBytes` bytes (see writeTail):
 * a log can be gigabytes, so neither memory nor the disk may hold all of it.
 *
 * GitHub answers 302 with a short-lived signed URL on another host. We stop Octokit from following it (a
 * redirect would be followed with our Authorization header by some fetch implementations, and the token must
 * never reach the blob host), then fetch it at once with no credentials. When the URL has already expired we
 * ask GitHub for a fresh one, up to maxTries times; a download that breaks off half-way counts as a try too.
 * The signed URL is a credential as well: errors name only its host. Some GHES versions answer 200 with the
 * log itself; Octokit is told not to parse success bodies, so that body is streamed the same way.
 */
export async function downloadJobLog(
  gh: GitHubClient,
  params: { owner: string; repo: string; jobId: number },
  file: string,
  options: { maxTries?: number; maxBytes?: number } = {},
): Promise<LogFileInfo> {
  const { owner, repo, jobId } = Params.parse(params);
  const { maxTries, maxBytes } = Options.parse(options);
  const route = `GET /repos/${owner}/${repo}/actions/jobs/${jobId}/logs`;
  const failures: string[] = [];
  for (let attempt = 1; attempt <= maxTries; attempt++) {
    const response = await callGitHub(route, () =>
      gh.request("GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs", {
        owner,
        repo,
        job_id: jobId,
        request: { redirect: "manual", parseSuccessResponseBody: false },
      }),
    );
    const status: number = response.status;
    if (status >= 200 && status < 300) {
      return await callGitHub(route, () => writeTail(bodyStream(response.data), file, maxBytes));
    }
    if (response.data instanceof ReadableStream) await response.data.cancel(); // the redirect's (empty) body
    const location = response.headers.location;
    if (status < 300 || status >= 400 || !location) {
      throw new GitHubError(status, route, `expected a redirect to the log, got ${status} without a location`);
    }
    const host = new URL(location).host;
    try {
      const blob = await fetch(location, { redirect: "follow" });
      if (blob.ok) return await writeTail(bodyStream(blob.body), file, maxBytes);
      await blob.body?.cancel();
      failures.push(`try ${attempt}: ${host} answered ${blob.status}`);
      if (!EXPIRED.has(blob.status)) break;
    } catch (error) {
      // fetch's errors do not carry the URL today; the replace keeps it that way should one start to.
      const detail = (error instanceof Error ? error.message : String(error)).split(location).join(host);
      failures.push(`try ${attempt}: ${host} failed (${detail})`);
    }
  }
  throw new GitHubError(0, route, `could not download the log of job ${jobId} (${failures.join("; ")})`);
}

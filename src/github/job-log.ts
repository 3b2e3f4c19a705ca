import { z } from "zod";
import type { GitHubClient } from "./client.js";
import { callGitHub, GitHubError } from "./errors.js";

const Params = z.object({ owner: z.string().min(1), repo: z.string().min(1), jobId: z.number().int().positive() });
const Options = z.object({ maxTries: z.number().int().min(1).max(10).default(3) });

// The blob host answers these when the signed URL has expired (it lives about a minute) or was already used.
const EXPIRED = new Set([403, 404, 410]);

function asBuffer(data: unknown): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  if (typeof data === "string") return Buffer.from(data, "utf8");
  throw new Error(`unexpected log body of type ${typeof data}`);
}

/**
 * The plain-text log of one Actions job. GitHub answers 302 with a short-lived signed URL on another host.
 * We stop Octokit from following it (a redirect would be followed with our Authorization header by some
 * fetch implementations, and the token must never reach the blob host), then fetch it at once with no
 * credentials. When the URL has already expired we ask GitHub for a fresh one, up to maxTries times.
 */
export async function downloadJobLog(
  gh: GitHubClient,
  params: { owner: string; repo: string; jobId: number },
  options: { maxTries?: number } = {},
): Promise<Buffer> {
  const { owner, repo, jobId } = Params.parse(params);
  const { maxTries } = Options.parse(options);
  const route = `GET /repos/${owner}/${repo}/actions/jobs/${jobId}/logs`;
  const failures: string[] = [];
  for (let attempt = 1; attempt <= maxTries; attempt++) {
    const response = await callGitHub(route, () =>
      gh.request("GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs", {
        owner,
        repo,
        job_id: jobId,
        request: { redirect: "manual" },
      }),
    );
    const status: number = response.status;
    if (status >= 200 && status < 300) return asBuffer(response.data); // some GHES versions answer directly
    const location = response.headers.location;
    if (status < 300 || status >= 400 || !location) {
      throw new GitHubError(status, route, `expected a redirect to the log, got ${status} without a location`);
    }
    const blob = await fetch(location, { redirect: "follow" });
    if (blob.ok) return Buffer.from(await blob.arrayBuffer());
    await blob.body?.cancel();
    // The signed URL is a credential too: report only its host.
    failures.push(`try ${attempt}: ${new URL(location).host} answered ${blob.status}`);
    if (!EXPIRED.has(blob.status)) break;
  }
  throw new GitHubError(0, route, `could not download the log of job ${jobId} (${failures.join("; ")})`);
}

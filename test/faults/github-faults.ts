// What the GitHub-fault cases read from the stand-in's request log: which requests a repository's job made, and
// how long the app waited between a refused request and its next try. Read from the stand-in (what reached
// "GitHub"), never from the app's own logs.
import type { RecordedRequest } from "../../demo/github-standin.js";
import type { FaultStack } from "./stack.js";

/** The stand-in's requests of `method` whose path (without /api/v3 and the query) matches `path`. */
export function requestsTo(stack: FaultStack, method: string, path: RegExp): RecordedRequest[] {
  return stack.standIn.requests.filter((r) => r.method === method && path.test(r.path.replace(/^\/api\/v3/, "").replace(/\?.*$/, "")));
}

/** Milliseconds between the first answer with `status` and the next request after it (null when none came). */
export function waitAfter(requests: RecordedRequest[], status: number): number | null {
  const i = requests.findIndex((r) => r.status === status);
  if (i < 0 || i + 1 >= requests.length) return null;
  // `at` is when an answer was sent; the next request is answered within a few ms of arriving.
  return requests[i + 1].at - requests[i].at;
}

/** The worker log lines that say a job's attempt started, across every worker. */
export function runsOf(stack: FaultStack, key: string): number {
  return stack.workers.reduce((n, w) => n + w.logs.filter((l) => l.msg === "job started" && l.key === key).length, 0);
}

/** GitHub's own words for a secondary rate limit: Octokit's throttling plugin recognises one by them. */
export const SECONDARY_LIMIT_MESSAGE =
  "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.";

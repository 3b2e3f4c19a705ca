import { ProbotOctokit } from "probot";
import { writeLimiters } from "./write-limits.js";

/** The longest secondary-limit wait a request sits out in place; longer ones fail it (the job's retry comes later). */
export const MAX_SECONDARY_WAIT_SECONDS = 120;
/** How many secondary-limit waits one request sits out before it fails. */
export const MAX_SECONDARY_RETRIES = 3;

/** Whether a request refused by a secondary rate limit is tried again after `retryAfter` seconds. */
export function retrySecondaryLimit(retryAfter: number, retryCount: number): boolean {
  return retryCount < MAX_SECONDARY_RETRIES && retryAfter <= MAX_SECONDARY_WAIT_SECONDS;
}

interface ThrottleLog {
  warn(message: string): void;
}

/**
 * Probot's Octokit with our answer to GitHub's secondary rate limits (a 403 or 429 with `retry-after`, which
 * GitHub sends when an App writes too fast). Probot's app-level throttle options only log one and fail the
 * request: the worker then fails the attempt, and its retry (JOB_RETRY_DELAY_SECONDS later, not when GitHub
 * said) runs the agent again. Waiting as told, in place, costs a few seconds instead. Primary rate limits keep
 * Probot's handling (wait for the reset, twice). Writes pass token buckets instead of a fixed spacing
 * (write-limits.ts).
 */
// One set per process, shared by every client Probot makes (one per installation and token).
const limiters = writeLimiters();

export const AppOctokit = ProbotOctokit.defaults((options: NonNullable<ConstructorParameters<typeof ProbotOctokit>[0]>) => {
  const throttle = options.throttle;
  if (!throttle || throttle.enabled === false) return options;
  return {
    ...options,
    throttle: {
      ...throttle,
      ...limiters,
      onSecondaryRateLimit: (
        retryAfter: number,
        request: { method: string; url: string },
        octokit: { log: ThrottleLog },
        retryCount: number,
      ) => {
        const retry = retrySecondaryLimit(retryAfter, retryCount);
        octokit.log.warn(
          `Secondary rate limit on ${request.method} ${request.url}: ${retry ? `retrying in ${retryAfter} s` : "giving up on this request"}`,
        );
        return retry;
      },
    },
  };
});

import { GitHubError } from "./errors.js";

/**
 * Octokit request options for a POST that creates something: Probot's retry plugin would repeat it blindly on a
 * 5xx, and a 5xx can come after GitHub did the write (a proxy timing out in front of a slow request), which
 * leaves a second comment or check run. createOnce retries it instead, looking first.
 */
export const NO_BLIND_RETRY = { request: { retries: 0 } } as const;

// A 5xx or a broken connection (status 0) says nothing about whether the write happened; a 4xx says it did not.
const unsure = (error: unknown) => error instanceof GitHubError && (error.status === 0 || error.status >= 500);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Creates something on GitHub at most once across retries: `create` is tried up to `tries` times while GitHub
 * answers 5xx (waits of 1 s, 4 s, … as Probot's retry plugin), and before each repeat `find` looks for what an
 * earlier try may have created after all; when it finds it, that is the result. `create` must make its request
 * with NO_BLIND_RETRY.
 */
export async function createOnce<T>(
  find: () => Promise<T | null>,
  create: () => Promise<T>,
  opts: { tries?: number; delayMs?: (attempt: number) => number } = {},
): Promise<T> {
  const tries = opts.tries ?? 3;
  const delayMs = opts.delayMs ?? ((attempt) => attempt * attempt * 1000);
  for (let attempt = 1; ; attempt++) {
    if (attempt > 1) {
      const found = await find();
      if (found !== null) return found;
    }
    try {
      return await create();
    } catch (error) {
      if (!unsure(error) || attempt >= tries) throw error;
      await sleep(delayMs(attempt));
    }
  }
}

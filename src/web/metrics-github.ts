import { githubErrors, githubRateLimitRemaining, githubRequests } from "./metrics.js";

type RequestFn = (options: Record<string, unknown>) => Promise<{ status: number; headers: Record<string, unknown> }>;
interface Hookable {
  hook: { wrap(name: "request", fn: (request: RequestFn, options: Record<string, unknown>) => Promise<unknown>): void };
}

const counted = new WeakSet<object>();

function remaining(headers: unknown): number | null {
  const value = (headers as Record<string, unknown> | undefined)?.["x-ratelimit-remaining"];
  const n = Number(value);
  return value === undefined || value === null || !Number.isFinite(n) ? null : n;
}

/**
 * Counts every request of `octokit` by method and status, its failures by status, and keeps the latest
 * x-ratelimit-remaining for `client` (an installation id, or "app"). An Octokit request hook, so every call of
 * src/github is counted whatever function made it; installed once per client (a second call is a no-op).
 */
export function countGitHubRequests<T extends object>(octokit: T, client: string): T {
  if (counted.has(octokit)) return octokit;
  counted.add(octokit);
  (octokit as unknown as Hookable).hook.wrap("request", async (request, options) => {
    const method = String(options.method ?? "GET").toUpperCase();
    try {
      const response = await request(options);
      githubRequests.inc({ method, status: String(response.status) });
      const left = remaining(response.headers);
      if (left !== null) githubRateLimitRemaining.set({ client }, left);
      return response;
    } catch (error) {
      const e = error as { status?: unknown; response?: { headers?: unknown } };
      const status = typeof e.status === "number" ? String(e.status) : "0";
      githubRequests.inc({ method, status });
      githubErrors.inc({ status });
      const left = remaining(e.response?.headers);
      if (left !== null) githubRateLimitRemaining.set({ client }, left);
      throw error;
    }
  });
  return octokit;
}

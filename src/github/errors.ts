// Every call to GitHub goes through `callGitHub`, so callers see one error type with the HTTP status and the
// route that failed, instead of Octokit's RequestError (whose shape would leak Octokit into the pipeline).
export class GitHubError extends Error {
  readonly status: number;
  readonly route: string;

  constructor(status: number, route: string, detail: string, options?: { cause?: unknown }) {
    super(`GitHub ${route} failed${status ? ` with ${status}` : ""}: ${detail}`, options);
    this.name = "GitHubError";
    this.status = status;
    this.route = route;
  }
}

function statusOf(error: unknown): number {
  if (typeof error === "object" && error !== null && "status" in error) {
    const status = Number((error as { status: unknown }).status);
    return Number.isFinite(status) ? status : 0;
  }
  return 0;
}

/** Runs one GitHub call and turns whatever it throws into a GitHubError naming the route. */
export async function callGitHub<T>(route: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof GitHubError) throw error;
    const detail = error instanceof Error ? error.message : String(error);
    throw new GitHubError(statusOf(error), route, detail || "no details", { cause: error });
  }
}

/** True when the error is a GitHubError with one of the given statuses. */
export function isGitHubStatus(error: unknown, ...statuses: number[]): boolean {
  return error instanceof GitHubError && statuses.includes(error.status);
}

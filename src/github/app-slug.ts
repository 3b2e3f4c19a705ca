import type { GitHubClient } from "./client.js";
import { callGitHub } from "./errors.js";

/** The App's slug tells its own events apart; asked once at start (`GET /app`) when APP_SLUG is not set. */
export async function lookUpAppSlug(
  appClient: () => Promise<unknown>,
  log: { warn(o: object, m: string): void },
): Promise<string | undefined> {
  try {
    const octokit = (await appClient()) as GitHubClient;
    const { data } = await callGitHub("GET /app", () => octokit.request("GET /app"));
    return (data as { slug?: string } | null)?.slug ?? undefined;
  } catch (err) {
    log.warn({ err: (err as Error).message }, "could not look up the App's slug; set APP_SLUG so its own events are ignored");
    return undefined;
  }
}

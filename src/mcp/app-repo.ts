// The repository a tool call names, as the app sees it: in the token's scope, covered by an installation of the
// App, and with a valid `.github/codex.yml` on its default branch (the same config a `/codex` command reads).
import type { RepoConfig } from "../config/repo-config.js";
import type { GitHubClient } from "../github/client.js";
import { findRepoInstallation, getInstalledRepository } from "../github/repo-installation.js";
import type { RepoRef } from "../jobs/types.js";
import { loadRepoConfig } from "../pipeline/steps/load-config.js";
import { ToolError } from "./backend.js";
import { inScope, type McpTokenEntry } from "./tokens.js";

export interface AppClients {
  /** Probot's App-level client (JWT): finds the installation of a repository. */
  appClient(): Promise<GitHubClient>;
  installationClient(installationId: number): Promise<GitHubClient>;
}

export interface ResolvedRepo {
  gh: GitHubClient;
  installationId: number;
  repo: RepoRef;
  config: RepoConfig;
}

/** The refusal for a repository outside the token's scope (the HTTP route answers 403 before it gets here). */
export function outOfScope(repository: string): ToolError {
  return new ToolError(`${repository} is not in this token's scope`);
}

export async function resolveRepo(clients: AppClients, token: McpTokenEntry, repository: string): Promise<ResolvedRepo> {
  if (!inScope(token, repository)) throw outOfScope(repository);
  const [owner, name] = repository.split("/");
  const installationId = await findRepoInstallation(await clients.appClient(), { owner, repo: name });
  if (installationId === null)
    throw new ToolError(`The codex-dispatch App is not installed on ${repository} (or its installation is suspended).`);
  const gh = await clients.installationClient(installationId);
  const repo = await getInstalledRepository(gh, { owner, repo: name });
  // The name GitHub answers may differ in case or after a rename: the scope is checked on it too.
  if (!inScope(token, repo.fullName)) throw outOfScope(repo.fullName);
  const parsed = await loadRepoConfig(gh, repo);
  if (!parsed.ok)
    throw new ToolError(
      `.github/codex.yml on the default branch of ${repo.fullName} is not valid:\n${parsed.errors.map((e) => `- ${e.slice(0, 500)}`).join("\n")}`,
    );
  return { gh, installationId, repo, config: parsed.config };
}

// The App's installations and the repositories each one covers: the maintenance tick walks them every minute.
// `GET /app/installations` takes the App's JWT client; `GET /installation/repositories` an installation's.
import { z } from "zod";
import type { GitHubClient } from "./client.js";
import { callGitHub } from "./errors.js";

export const InstallationSchema = z.object({ id: z.number().int(), suspended_at: z.string().nullable().optional() });

/** A repository as GitHub's REST API returns it, the fields the App uses. */
export const RepositorySchema = z.object({
  name: z.string().min(1),
  full_name: z.string().min(3),
  owner: z.object({ login: z.string().min(1) }),
  clone_url: z.string().min(1),
  default_branch: z.string().min(1),
  private: z.boolean(),
  archived: z.boolean().optional(),
  disabled: z.boolean().optional(),
});

export interface InstalledRepository {
  owner: string;
  name: string;
  fullName: string;
  cloneUrl: string;
  defaultBranch: string;
  private: boolean;
}

/** The ids of the App's installations that are not suspended (a suspended one's token calls fail anyway). */
export async function listInstallationIds(appGh: GitHubClient): Promise<number[]> {
  const listed = await callGitHub("GET /app/installations", () => appGh.paginate("GET /app/installations", { per_page: 100 }));
  return listed.map((i) => InstallationSchema.parse(i)).flatMap((i) => (i.suspended_at ? [] : [i.id]));
}

/** The repositories an installation covers, archived and disabled ones left out (nothing can be pushed there). */
export async function listInstallationRepositories(gh: GitHubClient): Promise<InstalledRepository[]> {
  const listed = await callGitHub("GET /installation/repositories", () => gh.paginate("GET /installation/repositories", { per_page: 100 }));
  return listed
    .map((r) => RepositorySchema.parse(r))
    .filter((r) => !r.archived && !r.disabled)
    .map(installedRepository);
}

/** The App's view of a repository from GitHub's REST shape. */
export function installedRepository(r: z.infer<typeof RepositorySchema>): InstalledRepository {
  return {
    owner: r.owner.login,
    name: r.name,
    fullName: r.full_name,
    cloneUrl: r.clone_url,
    defaultBranch: r.default_branch,
    private: r.private,
  };
}

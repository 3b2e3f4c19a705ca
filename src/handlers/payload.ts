import { z } from "zod";

// Only the parts of GitHub's payloads that we use, validated: a payload that lacks them is not ours to act on.
export const RepositorySchema = z.object({
  name: z.string(),
  full_name: z.string(),
  owner: z.object({ login: z.string() }),
  clone_url: z.string(),
  default_branch: z.string(),
  private: z.boolean(),
});

export const SenderSchema = z.object({ login: z.string(), type: z.string() });
export const InstallationSchema = z.object({ id: z.number().int() });

export function toRepoRef(repo: z.infer<typeof RepositorySchema>) {
  return {
    owner: repo.owner.login,
    name: repo.name,
    fullName: repo.full_name,
    cloneUrl: repo.clone_url,
    defaultBranch: repo.default_branch,
    private: repo.private,
  };
}

export function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join(".") || "(payload)"}: ${i.message}`)
    .join("; ");
}

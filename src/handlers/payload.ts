import { z } from "zod";

// Only the parts of GitHub's payloads that we use, validated: a payload that lacks them is not ours to act on.
export const RepositorySchema = z.object({
  id: z.number().int(),
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

/**
 * The parts of a payload a handler uses, or null (logged) when they are missing: a payload we do not
 * understand is not ours to act on, and must not make the delivery fail.
 */
export function parsePayload<T>(
  context: { id: string; name: string; payload: unknown; log: { warn(obj: object, msg: string): void } },
  schema: z.ZodType<T>,
): T | null {
  const parsed = schema.safeParse(context.payload);
  if (parsed.success) return parsed.data;
  context.log.warn(
    { delivery: context.id, event: context.name, problem: describeZodError(parsed.error) },
    "payload not understood; ignored",
  );
  return null;
}

import { z } from "zod";

// Names that become path segments under the workspace directory. Only safe characters, never `.` or `..`,
// so a crafted repository name or job id cannot climb out of the workspace.
const segment = (what: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,100}$/, `${what} may only contain letters, digits, '.', '_' and '-' (1-100 characters)`)
    .refine((s) => s !== "." && s !== ".." && !s.startsWith("-"), `${what} must not be '.', '..' or start with '-'`);

export const RepoFullName = z
  .string()
  .transform((s, ctx) => {
    const parts = s.split("/");
    if (parts.length !== 2) {
      ctx.addIssue({ code: "custom", message: `repository must be "owner/name", got ${JSON.stringify(s)}` });
      return z.NEVER;
    }
    return { owner: parts[0] as string, name: parts[1] as string };
  })
  .pipe(z.object({ owner: segment("repository owner"), name: segment("repository name") }));

export const JobId = segment("job id");

export const Sha = z.string().regex(/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/, "a commit sha is 40 (or 64) lowercase hex digits");

/** zod's first message, prefixed, for errors people read. */
export function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new Error(`${where}: ${result.error.issues[0]?.message ?? "invalid input"}`);
  return result.data;
}

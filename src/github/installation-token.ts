import { z } from "zod";
import type { GitHubClient } from "./client.js";
import { callGitHub } from "./errors.js";
import { secretsFor } from "./outgoing-guard.js";

// createAppAuth answers { token, expiresAt }; a client built from a plain token answers { token } only.
const Authentication = z.object({
  token: z.string().min(1),
  expiresAt: z.string().optional(),
  permissions: z.record(z.string(), z.string()).optional(),
});

/**
 * A fresh installation access token for git over HTTPS (clone/fetch of the repository), minted at the moment
 * it is needed. The token is a secret: never log it, never hand it to the agent; the outgoing guard redacts it (it is registered with KnownSecrets when minted).
 */
export async function mintInstallationToken(
  gh: GitHubClient,
): Promise<{ token: string; expiresAt: string | null; permissions: Record<string, string> }> {
  const auth = await callGitHub("POST /app/installations/{installation_id}/access_tokens", () => gh.auth({ type: "installation" }));
  const parsed = Authentication.safeParse(auth);
  // Do not echo the auth object in the error: it holds the token.
  if (!parsed.success) throw new Error("mintInstallationToken: the client is not authenticated as an installation");
  // From now on this token is redacted by value from everything the client sends to GitHub.
  secretsFor(gh)?.add(parsed.data.token);
  return { token: parsed.data.token, expiresAt: parsed.data.expiresAt ?? null, permissions: parsed.data.permissions ?? {} };
}

/** Whether the installation may push changes to `.github/workflows/` (GitHub refuses them otherwise). */
export async function canWriteWorkflows(gh: GitHubClient): Promise<boolean> {
  const { permissions } = await mintInstallationToken(gh);
  return permissions.workflows === "write";
}

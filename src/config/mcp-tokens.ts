// MCP_TOKENS: who may use the MCP server (src/mcp/) and on which repositories. Only each token's SHA-256 is
// configured, never the token: a leaked environment does not leak a usable token. `codex-dispatch mcp-token`
// mints one and prints the entry to add.
import { z } from "zod";

/** `owner/name`, or `owner/*` for every repository of one owner. */
export const REPO_SCOPE_PATTERN = /^[A-Za-z0-9_.-]+\/(?:[A-Za-z0-9_.-]+|\*)$/;

const EntrySchema = z.strictObject({
  /** Names the caller in job records (`mcp:<name>`) and in PR bodies: plain characters only. */
  name: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, "name: 1-64 of A-Z a-z 0-9 . _ -"),
  token_sha256: z.string().regex(/^[0-9a-f]{64}$/, "token_sha256: 64 lower-case hex characters"),
  repos: z.array(z.string().regex(REPO_SCOPE_PATTERN, 'repos: "owner/name" or "owner/*"')).min(1),
});
export type McpTokenEntry = z.infer<typeof EntrySchema>;

const EntriesSchema = z
  .array(EntrySchema)
  .min(1)
  .refine((entries) => new Set(entries.map((e) => e.name)).size === entries.length, "token names must be unique")
  .refine((entries) => new Set(entries.map((e) => e.token_sha256)).size === entries.length, "token hashes must be unique");

/** The parsed MCP_TOKENS (a JSON array); throws with a message naming what is wrong. */
export function parseMcpTokens(raw: string): McpTokenEntry[] {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new Error("MCP_TOKENS is not JSON: expected an array of {name, token_sha256, repos}");
  }
  const parsed = EntriesSchema.safeParse(json);
  if (!parsed.success) throw new Error(`MCP_TOKENS: ${parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`);
  return parsed.data;
}

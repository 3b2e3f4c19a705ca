// The MCP server's bearer tokens: only their SHA-256 is configured (MCP_TOKENS), a presented token is hashed and
// compared with every entry in constant time, and each token reaches only the repositories its entry lists.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { McpTokenEntry } from "../config/mcp-tokens.js";

export type { McpTokenEntry };

export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/**
 * The entry whose hash is the presented token's, or null. Every entry is compared, each with timingSafeEqual over
 * two 32-byte digests: how long this takes says nothing about how close a guess was, nor which entry matched.
 */
export function findToken(entries: readonly McpTokenEntry[], presented: string): McpTokenEntry | null {
  const digest = createHash("sha256").update(presented, "utf8").digest();
  let found: McpTokenEntry | null = null;
  for (const entry of entries) {
    const expected = Buffer.from(entry.token_sha256, "hex");
    if (expected.length === digest.length && timingSafeEqual(expected, digest) && found === null) found = entry;
  }
  return found;
}

/** The token of an `Authorization: Bearer …` header; null when there is none or it is malformed. */
export function bearerToken(header: string | string[] | undefined): string | null {
  if (typeof header !== "string") return null;
  const match = /^Bearer[ ]+([\x21-\x7e]{1,512})$/i.exec(header.trim());
  return match ? match[1] : null;
}

/**
 * Whether the token may act on `repoFullName`: an exact `owner/name`, or `owner/*` for that owner only (GitHub
 * names are case-insensitive; `acme/*` never reaches `acme-evil/x`).
 */
export function inScope(entry: McpTokenEntry, repoFullName: string): boolean {
  const [owner, name, ...rest] = repoFullName.toLowerCase().split("/");
  if (!owner || !name || rest.length) return false;
  return entry.repos.some((scope) => {
    const [o, n] = scope.toLowerCase().split("/");
    return o === owner && (n === "*" || n === name);
  });
}

/** A new random token and the MCP_TOKENS entry that admits it (the token itself is stored nowhere). */
export function mintToken(name: string, repos: string[]): { token: string; entry: McpTokenEntry } {
  const token = `cdmcp_${randomBytes(32).toString("base64url")}`;
  return { token, entry: { name, token_sha256: hashToken(token), repos } };
}

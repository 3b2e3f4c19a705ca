import { createHash } from "node:crypto";

/**
 * The id of a job, derived from its idempotency key: the same key always gives the same id, which is
 * both the job record's id and the pg-boss job id (pg-boss wants a UUID). Deriving it, rather than
 * drawing a random one, means a second send of the same key collides in pg-boss too.
 */
export function jobIdForKey(key: string): string {
  if (!key) throw new Error("jobIdForKey: key is empty");
  const hex = createHash("sha256").update(key).digest("hex").slice(0, 32).split("");
  // Mark it as a name-based UUID (version 5 layout, RFC 4122 variant) so tools that check the shape accept it.
  hex[12] = "5";
  hex[16] = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  const s = hex.join("");
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20, 32)}`;
}

// Byte limits shared by the diff reader (collectChanges), the diff policy and the repository config.
// The ceilings bound what a repository may configure, so collectChanges can skip reading anything above them:
// a diff that large is refused by the policy whatever the configuration says.

const MiB = 1024 * 1024;

/** Default limit on the new content of one file. */
export const DEFAULT_MAX_FILE_BYTES = 1 * MiB;
/** Default limit on the new content of all files together. */
export const DEFAULT_MAX_TOTAL_BYTES = 5 * MiB;
/** The most `max_file_bytes` may be set to; collectChanges does not load a file above it. */
export const FILE_BYTES_CEILING = 10 * MiB;
/** The most `max_total_bytes` may be set to; above it collectChanges loads no content and no patch. */
export const TOTAL_BYTES_CEILING = 50 * MiB;

/** "512 bytes", "1.5 KiB", "40 MiB": for messages people read. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} byte${n === 1 ? "" : "s"}`;
  const [value, unit] = n < MiB ? [n / 1024, "KiB"] : [n / MiB, "MiB"];
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${unit}`;
}

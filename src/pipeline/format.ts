import { redactSecrets } from "../logs/redact.js";

/** Model and log text is posted on GitHub: secrets redacted, @mentions defused so nobody is pinged by it. */
export function safeText(text: string): string {
  return redactSecrets(text).replace(/@(?=[A-Za-z0-9])/g, "@\u200b");
}

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m ${String(seconds % 60).padStart(2, "0")}s`;
}

export function formatTokens(n: number): string {
  return n.toLocaleString("en-US");
}

/** A fenced block that the content cannot close. */
export function codeBlock(text: string, lang = "text"): string {
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(Math.max(3, longestRun + 1));
  return `${fence}${lang}\n${text}\n${fence}`;
}

/** A repository path is linkable only when it is relative and stays inside the tree. */
export function isSafeRepoPath(p: string): boolean {
  if (!p || p.startsWith("/") || p.startsWith("\\") || /^[A-Za-z]:/.test(p)) return false;
  return !p.split(/[\\/]/).some((part) => part === ".." || part === "");
}

export function blobUrl(webBaseUrl: string, repoFullName: string, sha: string, path: string, line: number | null): string {
  const encoded = path.split("/").map(encodeURIComponent).join("/");
  return `${webBaseUrl}/${repoFullName}/blob/${sha}/${encoded}${line ? `#L${line}` : ""}`;
}

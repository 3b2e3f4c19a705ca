// Links the bot builds itself point into the repository on this GitHub host, at a fixed commit. The path comes
// from the agent, so it is linkable only when it stays inside the tree, and it is percent-encoded.

/** A repository path is linkable only when it is relative and stays inside the tree. */
export function isSafeRepoPath(p: string): boolean {
  if (!p || p.startsWith("/") || p.startsWith("\\") || /^[A-Za-z]:/.test(p)) return false;
  return !p.split(/[\\/]/).some((part) => part === ".." || part === "");
}

export function blobUrl(webBaseUrl: string, repoFullName: string, sha: string, path: string, line: number | null): string {
  const encoded = path.split("/").map(encodeURIComponent).join("/");
  return `${webBaseUrl}/${repoFullName}/blob/${sha}/${encoded}${line ? `#L${line}` : ""}`;
}

/** A commit of the repository on this host; `sha` must be a full sha the bot checked with git (workspace/history-commits.ts). */
export function commitUrl(webBaseUrl: string, repoFullName: string, sha: string): string {
  if (!/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(sha)) throw new Error("commitUrl: sha must be a full commit id");
  return `${webBaseUrl}/${repoFullName}/commit/${sha}`;
}

/** `#123` of the repository: GitHub sends /issues/N on to the pull request when N is one. */
export function issueUrl(webBaseUrl: string, repoFullName: string, number: number): string {
  if (!Number.isSafeInteger(number) || number < 1) throw new Error("issueUrl: number must be a positive integer");
  return `${webBaseUrl}/${repoFullName}/issues/${number}`;
}

/** Whether `url` (absolute, or relative to the host) points at the GitHub host `webBaseUrl` over http(s). */
export function isOnHost(url: string, webBaseUrl: string): boolean {
  try {
    const base = new URL(webBaseUrl);
    const target = new URL(url, base);
    return (target.protocol === "https:" || target.protocol === "http:") && target.origin === base.origin;
  } catch {
    return false;
  }
}

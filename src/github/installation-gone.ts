// GitHub answers 404 to an installation token request when the App is no longer installed there (uninstalled,
// or the account is gone). Every request of a job for that installation fails the same way, now and on any
// retry: the one failure of GitHub's that is known to be permanent.
const TOKEN_URL = /\/app\/installations\/(\d+)\/access_tokens$/;

interface WithRequest {
  status?: unknown;
  request?: { url?: unknown };
  cause?: unknown;
}

/** The installation id when `error` (or an error it wraps) is a 404 from its token request; null otherwise. */
export function goneInstallation(error: unknown): number | null {
  for (let e = error as WithRequest | undefined, depth = 0; e && typeof e === "object" && depth < 5; e = e.cause as WithRequest, depth++) {
    const url = typeof e.request?.url === "string" ? e.request.url : "";
    const match = TOKEN_URL.exec(url.replace(/\?.*$/, ""));
    if (match && Number(e.status) === 404) return Number(match[1]);
  }
  return null;
}

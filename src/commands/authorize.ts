// Who may start work. Permission strings come from GitHub and may grow new values; anything we do not know
// ranks lowest so that a surprise never grants more than it should.
export type Permission = "none" | "read" | "triage" | "write" | "maintain" | "admin";

const ORDER: readonly Permission[] = ["none", "read", "triage", "write", "maintain", "admin"];

function rank(permission: string): number {
  return ORDER.indexOf(String(permission).trim().toLowerCase() as Permission);
}

/** True when `actual` is at least `required`. Unknown `actual` counts as none; an unknown `required` refuses. */
export function permissionAtLeast(actual: string, required: string): boolean {
  const need = rank(required);
  if (need === -1) return false;
  return Math.max(rank(actual), 0) >= need;
}

export type IgnoreReason = "bot" | "self";

/**
 * Why an actor's comment or label must not start work: our own comments would loop, and other bots are
 * not people whose permission means anything (and two bots answering each other never stop).
 */
export function actorIgnoreReason(actor: { login: string; type?: string | null }, appSlug?: string): IgnoreReason | null {
  const login = String(actor.login ?? "").toLowerCase();
  if (appSlug && login === `${appSlug.toLowerCase()}[bot]`) return "self";
  if (actor.type === "Bot" || login.endsWith("[bot]")) return "bot";
  return null;
}

/** One short reply to a refused request. The login is reduced to login characters so it cannot add markup. */
export function refusalText(login: string, required: string): string {
  const who = String(login)
    .replace(/[^A-Za-z0-9-]/g, "")
    .slice(0, 60);
  const level =
    String(required)
      .toLowerCase()
      .replace(/[^a-z]/g, "")
      .slice(0, 20) || "write";
  // Without a usable login, no "@": it would mention whoever owns the leftover name.
  return `${who ? `@${who}, sorry` : "Sorry"}: only people with ${level} permission on this repository can ask Codex to work.`;
}

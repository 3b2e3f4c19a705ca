import { HttpError, paginate, type Router } from "./http-kit.js";
import type { StandInCore } from "./core.js";
import { APP } from "./state.js";

/** The App's installations (one per installation id its repositories name) and each one's repositories. */
export function addInstallationRoutes(router: Router, core: StandInCore): void {
  const { state } = core;

  router.add("GET", "/app/installations", (ctx) => {
    const ids = [...new Set(state.repos.map((r) => r.installationId))].sort((a, b) => a - b);
    const installations = ids.map((id) => {
      const account = state.repos.find((r) => r.installationId === id)!.repo.owner;
      return { id, app_id: APP.id, app_slug: APP.slug, account, target_type: account.type, suspended_at: null };
    });
    const { page, headers } = paginate(ctx, installations);
    return { status: 200, body: page, headers };
  });

  // As GitHub: the installation is the one the token was minted for.
  router.add("GET", "/installation/repositories", (ctx) => {
    const token = /^(?:token|bearer)\s+(\S+)$/i.exec(String(ctx.headers.authorization ?? ""))?.[1] ?? "";
    const minted = state.internal.tokens[token];
    if (!minted) throw new HttpError(401, "Bad credentials");
    const repos = state.repos.filter((r) => r.installationId === minted.installationId).map((r) => r.repo);
    const { page, headers } = paginate(ctx, repos);
    return { status: 200, body: { total_count: repos.length, repositories: page }, headers };
  });
}

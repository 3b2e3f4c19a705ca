import { createProbot, run } from "probot";
import { createApp } from "./app.js";
import { readEnv } from "./config/env.js";
import { lookUpAppSlug } from "./github/app-slug.js";
import { appMcpRoute } from "./mcp/app-route.js";
import { createRuntime } from "./runtime.js";
import { knownSecretsFromEnv } from "./text-safety/known-secrets.js";

function hasAppCredentials(env: NodeJS.ProcessEnv): boolean {
  return !!env.APP_ID && !!(env.PRIVATE_KEY || env.PRIVATE_KEY_PATH);
}

export function webBaseUrl(env: NodeJS.ProcessEnv): string {
  return env.GHE_HOST ? `${env.GHE_PROTOCOL || "https"}://${env.GHE_HOST}` : "https://github.com";
}

/** Process entry: ROLE=all (default) serves webhooks and works jobs; web and worker split them. */
export async function start(): Promise<void> {
  if (!hasAppCredentials(process.env)) {
    // No App registered yet: Probot serves its setup page, which registers one and writes .env.
    await run(() => {});
    return;
  }
  const env = readEnv();
  const probot = createProbot();
  // Probot sets up its logger and Octokit asynchronously: wait before using either.
  await probot.ready();
  const log = probot.log.child({ name: "codex-dispatch" });
  const runtime = await createRuntime({
    env,
    log,
    processEnv: process.env,
    installationClient: (installationId) => probot.auth(installationId),
    appClient: () => probot.auth(),
    secrets: knownSecretsFromEnv(process.env),
    webBaseUrl: webBaseUrl(process.env),
  });
  const { db, queue } = runtime;
  if (env.ROLE !== "worker") {
    const appSlug = env.APP_SLUG ?? (await lookUpAppSlug(() => probot.auth(), log));
    const mcp = appMcpRoute({
      db,
      queue,
      log,
      tokens: env.MCP_TOKENS,
      appClient: () => probot.auth(),
      installationClient: (installationId) => probot.auth(installationId),
    });
    await run(createApp({ db, queue, appId: env.APP_ID, appSlug }, [mcp]));
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down");
    await runtime.stop();
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  if (env.ROLE === "worker") process.on("SIGINT", () => void shutdown("SIGINT"));
}

start().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

import { createProbot, run } from "probot";
import { createApp } from "./app.js";
import { readEnv } from "./config/env.js";
import { lookUpAppSlug } from "./github/app-slug.js";
import { AppOctokit } from "./github/rate-limit-policy.js";
import { appMcpRoute } from "./mcp/app-route.js";
import { createRuntime } from "./runtime.js";
import { handleShutdownSignals } from "./shutdown.js";
import { knownSecretsFromEnv } from "./text-safety/known-secrets.js";
import { agentBinaries } from "./web/agent-binaries.js";
import { dashboardRoute } from "./web/dashboard/route.js";
import { startHealthServer, type HealthServer } from "./web/health-server.js";

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
  // Structured logs in production: one JSON object a line (pipeline lines carry the job's key, see run-job.ts);
  // Probot's default is its pretty format, meant for a terminal.
  if (process.env.NODE_ENV === "production") process.env.LOG_FORMAT ||= "json";
  // Our Octokit waits out GitHub's secondary rate limits as told (rate-limit-policy.ts).
  const probot = createProbot({ overrides: { Octokit: AppOctokit } });
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
  // /healthz checks the agent binaries where this process runs agents; /readyz turns 503 once shutdown starts.
  let stopping = false;
  const health = { ...(env.ROLE !== "web" ? { agents: agentBinaries(env) } : {}), stopping: () => stopping };
  let web: { stop(): Promise<void> } | null = null;
  let healthServer: HealthServer | null = null;
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
    web = await run(
      createApp({ db, queue, appId: env.APP_ID, appSlug }, [mcp, dashboardRoute({ db, token: env.DASHBOARD_TOKEN, log })], health),
    );
  } else {
    const port = env.HEALTH_PORT ?? Number(process.env.PORT || 3000);
    if (port !== 0) healthServer = await startHealthServer(db, port, process.env.HOST || undefined, health);
  }

  // Probot's run() already stops the web server on SIGINT (Ctrl-C while developing); SIGTERM is what
  // orchestrators send, and a worker alone takes both.
  handleShutdownSignals(
    {
      log,
      graceMs: env.SHUTDOWN_GRACE_SECONDS * 1000,
      ...(web ? { stopWeb: () => web.stop() } : {}),
      drain: (opts) => ((stopping = true), runtime.drain(opts)),
      close: async () => {
        await healthServer?.close();
        await runtime.stop();
      },
      exit: (code) => process.exit(code),
    },
    env.ROLE === "worker" ? ["SIGTERM", "SIGINT"] : ["SIGTERM"],
  );
}

start().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

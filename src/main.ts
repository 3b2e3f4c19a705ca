import pLimit from "p-limit";
import { createProbot, run } from "probot";
import { createApp } from "./app.js";
import { setUpAgentIsolation } from "./agent/isolation.js";
import { startKeyProxy } from "./agent/key-proxy.js";
import { readEnv } from "./config/env.js";
import { lookUpAppSlug } from "./github/app-slug.js";
import { openDatabase } from "./jobs/db.js";
import { createQueue } from "./jobs/queue.js";
import type { PipelineDeps } from "./pipeline/deps.js";
import { startPipelineWorker } from "./pipeline/start-worker.js";
import { guardOutgoing } from "./github/outgoing-guard.js";
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
  const db = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.dataDir });
  const queue = createQueue(db, { databaseUrl: env.DATABASE_URL, log });
  await queue.start();

  const stops: (() => Promise<void>)[] = [];
  if (env.ROLE !== "web") {
    // Agents under their own uids (AGENT_ISOLATION); fails here, not mid-job, when that cannot work.
    const isolation = await setUpAgentIsolation({
      dataDir: env.dataDir,
      workspaceDir: env.workspaceDir,
      privateKeyPath: process.env.PRIVATE_KEY_PATH,
      codexBin: env.CODEX_BIN,
      log,
    });
    const keyProxy = await startKeyProxy({ upstreamBaseUrl: env.MODEL_BASE_URL, upstreamApiKey: env.CODEX_API_KEY });
    const secrets = knownSecretsFromEnv(process.env);
    const deps: PipelineDeps = {
      env,
      log,
      db,
      queue,
      github: async (installationId) => guardOutgoing(await probot.auth(installationId), secrets),
      keyProxy,
      agentSlots: pLimit(env.WORKER_CONCURRENCY),
      isolation,
      webBaseUrl: webBaseUrl(process.env),
    };
    const worker = await startPipelineWorker(deps, env.WORKER_CONCURRENCY);
    stops.push(
      () => worker.stop(),
      () => keyProxy.close(),
    );
    log.info({ concurrency: env.WORKER_CONCURRENCY }, "worker started");
  }
  if (env.ROLE !== "worker") {
    const appSlug = env.APP_SLUG ?? (await lookUpAppSlug(() => probot.auth(), log));
    await run(createApp({ db, queue, appId: env.APP_ID, appSlug }));
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down");
    for (const stop of stops) await stop().catch((err: unknown) => log.error({ err }, "stop failed"));
    await queue.stop().catch(() => {});
    await db.close().catch(() => {});
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  if (env.ROLE === "worker") process.on("SIGINT", () => void shutdown("SIGINT"));
}

start().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

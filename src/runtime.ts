// Everything a process builds once, in one place: the database and queue, and for worker roles the agent
// isolation, the key proxy, the agent slots and the pipeline worker. `main.ts`, the demo and the end-to-end
// tests all start through here, so the tests exercise the production wiring (JOB_RETRY_LIMIT went unused while
// the harness wired its own copy).
import type { Logger } from "probot";
import pLimit from "p-limit";
import { setUpAgentIsolation } from "./agent/isolation.js";
import { startKeyProxy } from "./agent/key-proxy.js";
import type { AppEnv } from "./config/env.js";
import type { GitHubClient } from "./github/client.js";
import { lookUpAppSlug } from "./github/app-slug.js";
import { guardOutgoing } from "./github/outgoing-guard.js";
import { openDatabase, type Database } from "./jobs/db.js";
import { createQueue, type JobQueue, type QueueOptions } from "./jobs/queue.js";
import { scheduleMaintenanceTick } from "./jobs/maintenance-tick-schedule.js";
import type { PipelineDeps } from "./pipeline/deps.js";
import { startPipelineWorker } from "./pipeline/start-worker.js";
import type { StopOptions } from "./jobs/worker/start-worker.js";
import type { KnownSecrets } from "./text-safety/known-secrets.js";
import { countGitHubRequests } from "./web/metrics-github.js";
import { prepareWorkspace } from "./workspace/layout.js";

export interface RuntimeOptions {
  env: AppEnv;
  log: Logger;
  /** AGENT_* settings and PRIVATE_KEY_PATH, as the process was given them. */
  processEnv: NodeJS.ProcessEnv;
  /** An Octokit authenticated as the installation (Probot's `auth`). */
  installationClient(installationId: number): Promise<GitHubClient>;
  /** An Octokit authenticated as the App (Probot's `auth()` without an installation). */
  appClient(): Promise<GitHubClient>;
  /** Values redacted from everything sent to GitHub, whatever their shape. */
  secrets: KnownSecrets;
  /** https://github.com, or the GHE / stand-in host. */
  webBaseUrl: string;
  /** Queue timing for tests (polling, maintenance, retry delay); production uses the defaults. */
  queue?: Pick<QueueOptions, "pollingIntervalSeconds" | "maintenanceIntervalSeconds" | "schedule"> & {
    retryDelay?: number;
    retryBackoff?: boolean;
  };
}

export interface Runtime {
  db: Database;
  queue: JobQueue;
  /** Present for the worker roles (`all`, `worker`). */
  deps: PipelineDeps | null;
  /** Worker roles: stop taking jobs, let running ones finish within the grace period, hand back the rest. */
  drain(opts?: StopOptions): Promise<void>;
  /** drain() (at once, unless it already ran), then close the queue and the database. */
  stop(): Promise<void>;
}

export async function createRuntime(opts: RuntimeOptions): Promise<Runtime> {
  const { env, log } = opts;
  const db = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.dataDir });
  const { retryDelay, retryBackoff, ...timing } = opts.queue ?? {};
  const queue = createQueue(db, {
    databaseUrl: env.DATABASE_URL,
    log,
    pollingIntervalSeconds: env.QUEUE_POLL_SECONDS,
    maintenanceIntervalSeconds: env.QUEUE_MAINTENANCE_SECONDS,
    ...timing,
    defaults: {
      retryLimit: env.JOB_RETRY_LIMIT,
      expireInSeconds: env.JOB_ATTEMPT_SECONDS,
      retryDelay: retryDelay ?? env.JOB_RETRY_DELAY_SECONDS,
      ...(retryBackoff !== undefined ? { retryBackoff } : {}),
    },
  });
  await queue.start();
  const stops: ((opts?: StopOptions) => Promise<void>)[] = [];
  let deps: PipelineDeps | null = null;
  if (env.ROLE !== "web") {
    // Agents under their own uids (AGENT_ISOLATION); fails here, not mid-job, when that cannot work.
    const isolation = await setUpAgentIsolation({
      env: opts.processEnv,
      dataDir: env.dataDir,
      workspaceDir: env.workspaceDir,
      privateKeyPath: opts.processEnv.PRIVATE_KEY_PATH,
      codexBin: env.CODEX_BIN,
      log,
    });
    await prepareWorkspace(env.workspaceDir, isolation);
    const keyProxy = await startKeyProxy({
      upstreamBaseUrl: env.MODEL_BASE_URL,
      upstreamApiKey: env.CODEX_API_KEY,
      anthropic: { upstreamBaseUrl: env.ANTHROPIC_BASE_URL_UPSTREAM, upstreamApiKey: env.ANTHROPIC_API_KEY },
    });
    // Every client is counted for /metrics (requests, errors by status, rate limit left) and guarded on the way out.
    const appGithub = async () => guardOutgoing(countGitHubRequests(await opts.appClient(), "app"), opts.secrets);
    let slug: Promise<string | undefined> | undefined;
    const appSlug = (): Promise<string | undefined> => {
      // Asked once; a failed look-up is asked again by the next job that needs it.
      slug ??= env.APP_SLUG ? Promise.resolve(env.APP_SLUG) : lookUpAppSlug(appGithub, log).then((s) => (s ? s : ((slug = undefined), s)));
      return slug;
    };
    deps = {
      env,
      log,
      db,
      queue,
      github: async (installationId) =>
        guardOutgoing(countGitHubRequests(await opts.installationClient(installationId), String(installationId)), opts.secrets),
      appGithub,
      appSlug,
      keyProxy,
      agentSlots: pLimit(env.WORKER_CONCURRENCY),
      isolation,
      webBaseUrl: opts.webBaseUrl,
    };
    const worker = await startPipelineWorker(deps, env.WORKER_CONCURRENCY);
    stops.push(
      (stopOpts) => worker.stop(stopOpts),
      () => keyProxy.close(),
    );
    // The maintenance tick: pg-boss's cron, so one tick a minute across all worker processes. A process with the
    // scheduler off (the tests' harness) neither registers it nor fires it.
    if (opts.queue?.schedule !== false) await scheduleMaintenanceTick(queue);
    log.info({ concurrency: env.WORKER_CONCURRENCY, isolated: isolation !== null }, "worker started");
  }
  let drained: Promise<void> | null = null;
  const drain = (stopOpts?: StopOptions): Promise<void> =>
    (drained ??= (async () => {
      for (const stop of stops) await stop(stopOpts).catch((err: unknown) => log.error({ err }, "stop failed"));
    })());
  return {
    db,
    queue,
    deps,
    drain,
    async stop() {
      await drain();
      await queue.stop().catch(() => undefined);
      await db.close().catch(() => undefined);
    },
  };
}

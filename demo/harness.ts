import { createHmac, generateKeyPairSync, randomUUID } from "node:crypto";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Probot } from "probot";
import { pino } from "pino";
import type { KeyProxy } from "../src/agent/key-proxy.js";
import { registerWebhookHandlers } from "../src/app.js";
import { readEnv, type AppEnv } from "../src/config/env.js";
import type { Database } from "../src/jobs/db.js";
import { DEAD_LETTER_QUEUE, type JobQueue } from "../src/jobs/queue.js";
import { getJobRecord, type JobRecord } from "../src/jobs/records.js";
import { AppOctokit } from "../src/github/rate-limit-policy.js";
import { createRuntime } from "../src/runtime.js";
import { KnownSecrets } from "../src/text-safety/known-secrets.js";
import { startGitHubStandIn, type GitHubStandIn } from "./github-standin.js";
import { startScriptedMessages, type MessagesScript, type ScriptedMessages } from "./scripted-messages.js";
import { startScriptedModel, type Script, type ScriptedModel } from "./scripted-model.js";

// The whole app wired as in production, with two stand-ins for what cannot run here: GitHub (on loopback)
// and the model (scripted, behind the real key proxy). Everything else is real: the signed webhook, the
// database and queue, git, the codex binary. The demo and the end-to-end tests both use it.

export const STANDIN_APP = { id: 4242, slug: "codex-dispatch" };
const WEBHOOK_SECRET = "demo-webhook-secret";

export interface HarnessOptions {
  script?: Script;
  /** Also Claude Code, against a scripted Messages API behind the same key proxy (agent.backend: claude). */
  claudeScript?: MessagesScript;
  /** Extra process environment for the app (e.g. CODEX_BIN). */
  env?: Record<string, string>;
  logLevel?: string;
  /** Retries after the first attempt. */
  retryLimit?: number;
  retryDelaySeconds?: number;
  /**
   * true: GitHub writes paced as in production (src/github/write-limits.ts: token buckets per installation). The
   * default is unpaced: the stand-in has no secondary limits, and a fixed spacing made the end-to-end tests spend most
   * of their time waiting (the suite's e2e, security, cli and web files took 2,510 s of test time spaced, machine load
   * about 8, and 1,125 s unspaced, load about 5). The pacing itself is tested where it matters: the fault suite's real processes, and
   * test/github/write-limits.test.ts. (`{ throttle: { enabled: false } }` as an object does not reach the clients Probot makes: Probot's
   * own defaults replace it; a function sees Probot's options and keeps `enabled: false`.)
   */
  throttle?: boolean;
}

export interface Harness {
  standIn: GitHubStandIn;
  model: ScriptedModel;
  /** The scripted Messages API, when the harness was asked for Claude. */
  claude?: ScriptedMessages;
  keyProxy: KeyProxy;
  db: Database;
  queue: JobQueue;
  probot: Probot;
  env: AppEnv;
  /** The upstream model key the proxy holds: the agent must never see it. */
  modelKey: string;
  /** Signs and delivers a webhook as GitHub would; resolves when the handler returned. */
  deliver(event: string, payload: object, id?: string): Promise<void>;
  /** Waits until the job for `key` has succeeded or finally failed. */
  waitForJob(key: string, timeoutMs?: number): Promise<JobRecord>;
  close(): Promise<void>;
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const dir = await mkdtemp(path.join(tmpdir(), "codex-dispatch-"));
  // As in production: as root, agents run under their own uids, which must be able to pass through `dir`.
  await chmod(dir, 0o711);
  const modelKey = `sk-upstream-${randomUUID()}`;
  const standIn = await startGitHubStandIn();
  const model = await startScriptedModel(opts.script);
  const claude = opts.claudeScript === undefined ? undefined : await startScriptedMessages(opts.claudeScript);
  const claudeKey = `sk-ant-api03-${randomUUID().replace(/-/g, "")}`;
  const env = readEnv({
    DATA_DIR: path.join(dir, "data"),
    WORKSPACE_DIR: path.join(dir, "workspace"),
    // The real key proxy in front of the scripted model, holding a key the agent must never see.
    MODEL_BASE_URL: model.baseUrl,
    CODEX_API_KEY: modelKey,
    // A model whose tools are plain functions (exec_command, apply_patch): what the scripted model speaks.
    CODEX_MODEL: "gpt-5.5",
    APP_SLUG: STANDIN_APP.slug,
    JOB_RETRY_LIMIT: String(opts.retryLimit ?? 0),
    // Claude's upstream is the scripted Messages API; its key, like codex's, is held by the proxy alone.
    ...(claude && {
      ANTHROPIC_API_KEY: claudeKey,
      ANTHROPIC_BASE_URL_UPSTREAM: claude.baseUrl,
      CLAUDE_MODEL: "claude-sonnet-5",
    }),
    ...opts.env,
  });
  const log = pino({ level: opts.logLevel ?? "silent" });

  const privateKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  const secrets = new KnownSecrets([modelKey, WEBHOOK_SECRET, ...(claude ? [claudeKey] : [])]);
  secrets.addPrivateKey(privateKey);
  const probot = new Probot({
    appId: STANDIN_APP.id,
    privateKey,
    secret: WEBHOOK_SECRET,
    baseUrl: standIn.baseUrl,
    log,
    // The production client (main.ts). Its write pacing is for github.com's secondary limits; the stand-in has none.
    Octokit:
      opts.throttle === true
        ? AppOctokit
        : // A function sees the options Probot passes in, so `enabled: false` survives them (see HarnessOptions.throttle).
          AppOctokit.defaults((o: Record<string, unknown>) => ({
            ...o,
            throttle: { ...(o.throttle as object), enabled: false },
            retry: { enabled: false },
          })),
  });
  // The production wiring (runtime.ts), with quick queue timing for tests.
  const runtime = await createRuntime({
    env,
    log,
    processEnv: { AGENT_ISOLATION: opts.env?.AGENT_ISOLATION ?? process.env.AGENT_ISOLATION },
    installationClient: (installationId) => probot.auth(installationId),
    appClient: () => probot.auth(),
    secrets,
    webBaseUrl: standIn.baseUrl.replace(/\/api\/v3$/, ""),
    queue: {
      schedule: false,
      pollingIntervalSeconds: 0.5,
      maintenanceIntervalSeconds: 1,
      retryDelay: opts.retryDelaySeconds ?? 1,
      retryBackoff: false,
    },
  });
  const { db, queue } = runtime;
  const keyProxy = runtime.deps!.keyProxy;
  await probot.load((app) => registerWebhookHandlers(app, { db, queue, appId: STANDIN_APP.id, appSlug: STANDIN_APP.slug }));

  return {
    standIn,
    model,
    claude,
    keyProxy,
    db,
    queue,
    probot,
    env,
    modelKey,
    async deliver(event, payload, id = randomUUID()) {
      const body = JSON.stringify(payload);
      const signature = `sha256=${createHmac("sha256", WEBHOOK_SECRET).update(body).digest("hex")}`;
      await probot.webhooks.verifyAndReceive({ id, name: event as never, payload: body, signature });
    },
    async waitForJob(key, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const record = await getJobRecord(db, key);
        if (record && (record.status === "succeeded" || (record.status === "failed" && record.finishedAt))) {
          // A final failure is reported by the dead-letter worker: give it a moment to post.
          if (record.status === "failed") await waitForGiveUp(db, key, deadline);
          return (await getJobRecord(db, key)) as JobRecord;
        }
        if (Date.now() > deadline) throw new Error(`job ${key} did not finish in ${timeoutMs} ms (status ${record?.status ?? "missing"})`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async close() {
      await runtime.stop();
      await model.close();
      await claude?.close();
      await standIn.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The dead-letter worker posts the give-up comment; wait until its job is done. */
async function waitForGiveUp(db: Database, key: string, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    const { rows } = await db.query(`SELECT state FROM pgboss.job WHERE name = $1 AND data->>'key' = $2`, [DEAD_LETTER_QUEUE, key]);
    if (rows.some((r: { state: string }) => r.state === "completed")) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

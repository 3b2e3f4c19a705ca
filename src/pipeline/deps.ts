import type { Logger } from "probot";
import type { LimitFunction } from "p-limit";
import type { AgentIsolation } from "../agent/isolation.js";
import type { KeyProxy } from "../agent/key-proxy.js";
import type { AppEnv } from "../config/env.js";
import type { GitHubClient } from "../github/client.js";
import type { Database } from "../jobs/db.js";
import type { JobQueue } from "../jobs/queue.js";

/** What every pipeline needs from the process around it; built once in main.ts, faked nowhere. */
export interface PipelineDeps {
  env: AppEnv;
  log: Logger;
  db: Database;
  /** Pipelines enqueue follow-up jobs (a fix after a triage). */
  queue: JobQueue;
  /** An Octokit authenticated as the installation; minted per job so tokens are always fresh. */
  github(installationId: number): Promise<GitHubClient>;
  /** An Octokit authenticated as the App itself (its JWT): lists installations for the maintenance tick. */
  appGithub(): Promise<GitHubClient>;
  /** The App's slug (APP_SLUG, else asked once of GitHub): its bot `<slug>[bot]` owns the dashboard issues. */
  appSlug(): Promise<string | undefined>;
  keyProxy: KeyProxy;
  /** At most WORKER_CONCURRENCY agent runs at once in this process, whatever the job kinds. */
  agentSlots: LimitFunction;
  /** Agents under their own uids; null when they run as the bot's own user (then untrusted code gets no run). */
  isolation: AgentIsolation | null;
  /** https://github.com, or the GHE / stand-in host: used for file:line links. */
  webBaseUrl: string;
}

export const TRIAGE_CHECK_NAME = "Codex triage";

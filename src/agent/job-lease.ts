// One agent run's identity: a uid of its own for the run, the job's files handed to it, and everything taken
// back afterwards. A later run given the same uid must find nothing of this one: no process still running
// under it, no file it may still read.
import { promises as fs } from "node:fs";
import path from "node:path";
import { chownTree, isInside, writeAgentGitConfig } from "./agent-files.js";
import type { UidPool } from "./uid-pool.js";
import { killProcessesOf } from "./uid-processes.js";

/** One agent run's identity; `release` must be called when the run is over (it is idempotent). */
export interface AgentLease {
  uid: number;
  gid: number;
  release(): Promise<void>;
}

export interface LeaseRequest {
  /** The job's directory: the agent's for the run (0700), the bot's again after. */
  jobDir: string;
  /** Where the agent works; handed over too when it lies outside the job dir. */
  cwd: string;
  /** The agent's HOME, where its git config goes. */
  home: string;
}

export interface LeaseParties {
  pool: UidPool;
  /** The repository's group (see mirror-groups.ts); without one the run's group is its own uid. */
  gid?: number;
  bot: { uid: number; gid: number };
}

/**
 * A fresh uid from the pool for one run: kills anything left running under that uid, writes the agent's git
 * config, and hands the job dir (and `cwd`, when outside it) to the uid until release.
 */
export async function leaseJob(request: LeaseRequest, parties: LeaseParties): Promise<AgentLease> {
  const jobDir = path.resolve(request.jobDir);
  const cwd = path.resolve(request.cwd);
  const { pool, bot } = parties;
  const uid = await pool.take();
  // The uid range and the gid range never overlap (isolation-settings.ts), so no repository has this group.
  const gid = parties.gid ?? uid;
  const trees = isInside(cwd, jobDir) ? [jobDir] : [jobDir, cwd];
  const giveBack = async () => {
    // Nothing of the agent may run on while its files change owner (or outlive the run and keep its uid).
    await killProcessesOf(uid);
    for (const tree of trees) await chownTree(tree, bot.uid, bot.gid);
  };
  try {
    await killProcessesOf(uid);
    await writeAgentGitConfig(request.home, await fs.realpath(cwd));
    for (const tree of trees) await chownTree(tree, uid, gid);
    await fs.chmod(jobDir, 0o700);
  } catch (error) {
    await giveBack().catch(() => undefined);
    await pool.give(uid);
    throw error;
  }
  let released: Promise<void> | undefined;
  return {
    uid,
    gid,
    release: () => (released ??= giveBack().finally(() => pool.give(uid))),
  };
}

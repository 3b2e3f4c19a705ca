// Runs the agent under a user id of its own, so that it cannot read what the bot's user can.
//
// Why: a sandbox, even read-only, lets the agent read every file its user may read. Run as the bot's user, an
// agent talked into `find / -name '*.pem'` finds the App's private key, the database files, other jobs'
// worktrees and other repositories' mirrors. Run under a fresh unprivileged uid it finds none of them:
// - each run gets a uid from AGENT_UID_BASE.. that no other running agent of this process holds, and the
//   repository's gid (one per mirror, kept as the mirror directory's group) as its only group;
// - its job dir is chowned to it for the run (0700) and back to the bot afterwards, so a later run that is
//   given the same uid cannot read this job's files;
// - a mirror is `root:<repo gid> 0750`: the agent's git reaches its own repository's objects, an agent of
//   another repository is refused at the top directory (what is inside keeps git's default modes, reachable
//   only through it);
// - the directories above (workspace, jobs/, mirrors/, mirrors/<owner>/) are 0711: traversable, not listable;
// - DATA_DIR (the PGlite files, maybe the key) is private to the bot;
// - /proc/<pid>/environ of the bot is readable by its own uid only, so the bot's environment is safe too.
// Without root none of this is possible; the process then says once, at start, that the agent runs as the
// bot's own user.
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import { agentReachableBinary, defaultCodexBinary, unreachable } from "./agent-binary.js";
import { chownTree, isInside, makePrivate, readableByOthers, writeAgentGitConfig } from "./agent-files.js";
import { readIsolationSettings, type IsolationSettings } from "./isolation-settings.js";
import { claimUid, killProcessesOf, UID_CLAIMS_DIR } from "./uid-processes.js";

export { readIsolationSettings, type IsolationSettings } from "./isolation-settings.js";
export { killProcessesOf } from "./uid-processes.js";
export { readableByOthers } from "./agent-files.js";

export interface IsolationLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** One agent run's identity; `release` must be called when the run is over (it is idempotent). */
export interface AgentLease {
  uid: number;
  gid: number;
  release(): Promise<void>;
}

export interface SetUpOptions {
  env?: Record<string, string | undefined>;
  dataDir: string;
  workspaceDir: string;
  /** PRIVATE_KEY_PATH: warned about when others can read it. */
  privateKeyPath?: string;
  /** CODEX_BIN: the agent's uid must be able to run it. */
  codexBin?: string;
  log: IsolationLog;
  /** Default: whether this process runs as root. */
  isRoot?: boolean;
}

/**
 * Called once at start, after the database is open: decides whether agents run under their own uids, makes
 * the data and workspace directories fit for it, and says in the log what it did. Returns the isolation, which
 * the runtime hands to the workspace and the agent runs (no process-wide state), or null when the agent runs as the
 * bot's own user.
 */
export async function setUpAgentIsolation(opts: SetUpOptions): Promise<AgentIsolation | null> {
  const settings = readIsolationSettings(opts.env ?? process.env);
  const isRoot = opts.isRoot ?? process.getuid?.() === 0;
  const mode = settings.AGENT_ISOLATION;
  await warnAboutReadableSecrets(opts, mode !== "off" && isRoot);
  const off = (reason: string) => {
    opts.log.warn(
      { isolation: "off", reason },
      `agent isolation is off (${reason}): the agent runs as the bot's own user and can read every file it can, including the private key and the database`,
    );
    return null;
  };
  if (mode === "off") return off("AGENT_ISOLATION=off");
  if (!isRoot) {
    if (mode === "auto") return off("the process does not run as root");
    throw new Error(
      "AGENT_ISOLATION=uid needs the process to run as root (it starts each agent under a user id of its own); run as root or set AGENT_ISOLATION=off",
    );
  }

  const dataDir = path.resolve(opts.dataDir);
  const workspaceDir = path.resolve(opts.workspaceDir);
  await fs.mkdir(workspaceDir, { recursive: true });
  await makePrivate(dataDir, workspaceDir);
  for (const dir of [workspaceDir, path.join(workspaceDir, "jobs"), path.join(workspaceDir, "mirrors")]) {
    await fs.mkdir(dir, { recursive: true });
    await fs.chmod(dir, 0o711);
  }
  // "auto" means: isolation wherever it can work. What the bot cannot fix by itself (a directory above the
  // workspace closed to other users, an operator's CODEX_BIN out of reach) turns it off with a warning; "uid"
  // fails instead. The dependency's own codex binary is made reachable wherever the app is installed.
  let agentBinary: string | undefined;
  let problem = await unreachable(path.dirname(workspaceDir), "x", "WORKSPACE_DIR");
  if (!problem && opts.codexBin) {
    const script = /\.[cm]?js$/.test(opts.codexBin);
    // A .js CODEX_BIN runs under this Node, which the agent's uid must reach too.
    problem =
      (script ? await unreachable(process.execPath, "x", "node") : null) ??
      (await unreachable(path.resolve(opts.codexBin), script ? "r" : "x", "CODEX_BIN"));
  }
  if (!problem && !opts.codexBin) {
    try {
      agentBinary = await agentReachableBinary(defaultCodexBinary());
    } catch (error) {
      problem = (error as Error).message;
    }
  }
  if (problem) {
    if (mode === "auto") return off(problem);
    throw new Error(`agent isolation: ${problem}`);
  }
  const isolation = new AgentIsolation(settings, process.getuid?.() ?? 0, process.getgid?.() ?? 0, agentBinary);
  await isolation.probeIds(workspaceDir);
  opts.log.info(
    {
      isolation: "uid",
      uids: `${settings.AGENT_UID_BASE}+${settings.AGENT_UID_COUNT}`,
      gids: `${settings.AGENT_GID_BASE}+${settings.AGENT_GID_COUNT}`,
    },
    "agents run under their own user ids",
  );
  return isolation;
}

export class AgentIsolation {
  private readonly uidsInUse = new Set<number>();
  private nextUid = 0;
  /** Worktree dir → its repository's gid, fixed by the bot at checkout (the agent may rewrite `.git` later). */
  private readonly worktreeGids = new Map<string, number>();
  private gidQueue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly settings: IsolationSettings,
    readonly botUid: number,
    readonly botGid: number,
    /** The codex binary agents run when no CODEX_BIN is set: reachable by their uids (agent-binary.ts). */
    readonly agentBinary?: string,
  ) {}

  /** Fails at start, not mid-job, when a user namespace does not map the configured ids. */
  async probeIds(dir: string): Promise<void> {
    const probe = path.join(dir, `.isolation-probe-${process.pid}`);
    await fs.writeFile(probe, "");
    try {
      const s = this.settings;
      await fs.chown(probe, s.AGENT_UID_BASE + s.AGENT_UID_COUNT - 1, s.AGENT_GID_BASE + s.AGENT_GID_COUNT - 1);
    } catch (error) {
      throw new Error(
        `agent isolation: cannot give files to the agent's user ids (${(error as Error).message}); in a user namespace, choose AGENT_UID_BASE/AGENT_GID_BASE inside its mapped range`,
        { cause: error },
      );
    } finally {
      await fs.rm(probe, { force: true });
    }
  }

  /** Gives the mirror its repository's group; returns that gid. Call under the mirror's lock. */
  async protectMirror(mirrorPath: string): Promise<number> {
    const gid = await this.mirrorGid(mirrorPath);
    await fs.chown(mirrorPath, this.botUid, gid);
    await fs.chmod(mirrorPath, 0o750);
    for (const dir of [path.dirname(mirrorPath), path.dirname(path.dirname(mirrorPath))]) await fs.chmod(dir, 0o711);
    return gid;
  }

  /** Remembers which repository a worktree belongs to, so its agent gets that repository's group. */
  async bindWorktree(worktreeDir: string, mirrorPath: string): Promise<void> {
    this.worktreeGids.set(path.resolve(worktreeDir), await this.mirrorGid(mirrorPath));
  }

  unbindWorktree(worktreeDir: string): void {
    this.worktreeGids.delete(path.resolve(worktreeDir));
  }

  /** Makes the job's directories private to the workspace's traversal rules (0711 above, 0700 the job). */
  async protectJobParents(jobDir: string): Promise<void> {
    const jobs = path.dirname(jobDir);
    for (const dir of [path.dirname(jobs), jobs]) await fs.chmod(dir, 0o711);
  }

  /**
   * A fresh uid for one run in `jobDir` (working in `cwd`): kills anything left running under that uid, writes
   * the agent's git config, and hands the job dir (and `cwd`, when outside it) to the uid until release.
   */
  async lease(opts: { jobDir: string; cwd: string }): Promise<AgentLease> {
    const jobDir = path.resolve(opts.jobDir);
    const cwd = path.resolve(opts.cwd);
    const uid = await this.allocateUid();
    const gid = this.worktreeGids.get(cwd) ?? uid;
    const trees = isInside(cwd, jobDir) ? [jobDir] : [jobDir, cwd];
    const giveBack = async () => {
      // Nothing of the agent may run on while its files change owner (or outlive the run and keep its uid).
      await killProcessesOf(uid);
      for (const tree of trees) await chownTree(tree, this.botUid, this.botGid);
    };
    try {
      await killProcessesOf(uid);
      await writeAgentGitConfig(path.join(jobDir, "home"), await fs.realpath(cwd));
      for (const tree of trees) await chownTree(tree, uid, gid);
      await fs.chmod(jobDir, 0o700);
    } catch (error) {
      await giveBack().catch(() => undefined);
      await this.freeUid(uid);
      throw error;
    }
    let released: Promise<void> | undefined;
    return {
      uid,
      gid,
      release: () => (released ??= giveBack().finally(() => this.freeUid(uid))),
    };
  }

  // Round robin over the range, so a uid is reused as late as possible. Several worker processes on one
  // machine share the range, so a uid is claimed with a lock file (created exclusively) naming the holder.
  private async allocateUid(): Promise<number> {
    const { AGENT_UID_BASE: base, AGENT_UID_COUNT: count } = this.settings;
    await fs.mkdir(UID_CLAIMS_DIR, { recursive: true, mode: 0o700 });
    for (let i = 0; i < count; i++) {
      const uid = base + ((this.nextUid + i) % count);
      if (this.uidsInUse.has(uid) || !(await claimUid(uid))) continue;
      this.uidsInUse.add(uid);
      this.nextUid = (this.nextUid + i + 1) % count;
      return uid;
    }
    throw new Error(`agent isolation: all ${count} agent user ids are in use (raise AGENT_UID_COUNT)`);
  }

  private async freeUid(uid: number): Promise<void> {
    this.uidsInUse.delete(uid);
    await fs.rm(path.join(UID_CLAIMS_DIR, String(uid)), { force: true });
  }

  private inGidRange(gid: number): boolean {
    return gid >= this.settings.AGENT_GID_BASE && gid < this.settings.AGENT_GID_BASE + this.settings.AGENT_GID_COUNT;
  }

  // The gid is stored as the mirror directory's group: it survives restarts without a table. A new mirror
  // starts at a hash of its path and takes the next gid no other mirror has.
  private mirrorGid(mirrorPath: string): Promise<number> {
    const run = this.gidQueue.then(async () => {
      const own = (await fs.stat(mirrorPath)).gid;
      if (this.inGidRange(own)) return own;
      const mirrorsDir = path.dirname(path.dirname(mirrorPath));
      const used = await this.mirrorGids(mirrorsDir);
      const { AGENT_GID_BASE: base, AGENT_GID_COUNT: count } = this.settings;
      const key = path.relative(mirrorsDir, mirrorPath).toLowerCase();
      const start = createHash("sha256").update(key).digest().readUInt32BE(0) % count;
      for (let i = 0; i < count; i++) {
        const gid = base + ((start + i) % count);
        if (used.has(gid)) continue;
        await fs.chown(mirrorPath, this.botUid, gid);
        return gid;
      }
      throw new Error(`agent isolation: all ${count} repository gids are taken (raise AGENT_GID_COUNT)`);
    });
    this.gidQueue = run.catch(() => undefined);
    return run;
  }

  private async mirrorGids(mirrorsDir: string): Promise<Set<number>> {
    const used = new Set<number>();
    for (const owner of await fs.readdir(mirrorsDir, { withFileTypes: true })) {
      if (!owner.isDirectory()) continue;
      for (const repo of await fs.readdir(path.join(mirrorsDir, owner.name), { withFileTypes: true })) {
        if (!repo.isDirectory() || !repo.name.endsWith(".git")) continue;
        const gid = (await fs.stat(path.join(mirrorsDir, owner.name, repo.name))).gid;
        if (this.inGidRange(gid)) used.add(gid);
      }
    }
    return used;
  }
}

async function warnAboutReadableSecrets(opts: SetUpOptions, isolated: boolean): Promise<void> {
  const files = [opts.privateKeyPath, path.resolve(".env")].filter((f): f is string => !!f);
  for (const file of files) {
    if (!(await readableByOthers(file))) continue;
    opts.log.warn(
      { file: path.resolve(file), isolated },
      `${path.resolve(file)} is readable by other users${isolated ? ", including the agent's" : ""}: it holds the App's secrets; chmod 600 it`,
    );
  }
}

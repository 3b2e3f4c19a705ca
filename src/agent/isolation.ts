// Runs the agent under a user id of its own, so that it cannot read what the bot's user can.
//
// Why: a sandbox, even read-only, lets the agent read every file its user may read. Run as the bot's user, an
// agent talked into `find / -name '*.pem'` finds the App's private key, the database files, other jobs'
// worktrees and other repositories' mirrors. Run under a fresh unprivileged uid it finds none of them:
// - each run gets a uid from AGENT_UID_BASE.. that no other running agent on this machine holds, and the
//   repository's gid (one per mirror, kept as the mirror directory's group) as its only group;
// - its job dir is chowned to it for the run (0700) and back to the bot afterwards, so a later run that is
//   given the same uid cannot read this job's files;
// - a mirror is `root:<repo gid> 0750`: the agent's git reaches its own repository's objects, an agent of
//   another repository is refused at the top directory (what is inside keeps git's default modes, reachable
//   only through it);
// - the directories above (workspace, jobs/, mirrors/, mirrors/<owner>/) are 0711: traversable, not listable
//   (the workspace names them, workspace/layout.ts, and asks for this);
// - DATA_DIR (the PGlite files, maybe the key) is private to the bot;
// - /proc/<pid>/environ of the bot is readable by its own uid only, so the bot's environment is safe too.
// Without root none of this is possible; the process then says once, at start, that the agent runs as the
// bot's own user.
//
// This file decides at start; the parts live beside it: agent-isolation.ts (what the runtime passes around),
// uid-pool.ts, job-lease.ts, mirror-groups.ts, uid-processes.ts, agent-files.ts, agent-binary.ts.
import { promises as fs } from "node:fs";
import path from "node:path";
import { agentReachableBinary, defaultCodexBinary, unreachable } from "./agent-binary.js";
import { makePrivate, readableByOthers } from "./agent-files.js";
import { AgentIsolation } from "./agent-isolation.js";
import { readIsolationSettings } from "./isolation-settings.js";

export { AgentIsolation } from "./agent-isolation.js";
export { readIsolationSettings, type IsolationSettings } from "./isolation-settings.js";
export { type AgentLease, type LeaseRequest } from "./job-lease.js";
export { type MirrorRef } from "./mirror-groups.js";
export { killProcessesOf } from "./uid-processes.js";
export { readableByOthers } from "./agent-files.js";

export interface IsolationLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
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
 * the data directory and the workspace directory itself fit for it, and says in the log what it did. The folders
 * inside the workspace are the workspace's own: the runtime then calls prepareWorkspace (workspace/layout.ts).
 * Returns the isolation, which the runtime hands to the workspace and the agent runs (no process-wide state),
 * or null when the agent runs as the bot's own user.
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
  // Only the workspace directory itself: the folders inside are the workspace's to name and guard.
  await fs.chmod(workspaceDir, 0o711);
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

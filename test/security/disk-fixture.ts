// A bot's disk as the security tests need it: a data dir holding the PGlite database and a private key file
// (0600), a workspace inside the data dir with two repositories' mirrors and two jobs' worktrees, and a
// stand-in "app process" whose environment holds a secret. Everything is real: git, PGlite, the files.
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { setUpAgentIsolation, type AgentIsolation } from "../../src/agent/isolation.js";
import { openDatabase, type Database } from "../../src/jobs/db.js";
import { createBareRemote, type BareRemote } from "../../src/workspace/bare-remote.js";
import { createJobDir, type JobDir } from "../../src/workspace/job-dir.js";
import { prepareWorkspace } from "../../src/workspace/layout.js";
import { ensureMirror } from "../../src/workspace/mirror.js";
import { addWorktree, type Worktree } from "../../src/workspace/worktree.js";

export interface BotDisk {
  root: string;
  dataDir: string;
  workspaceDir: string;
  keyFile: string;
  /** Markers that must never reach the agent's tool output. */
  secrets: { key: string; env: string; otherJob: string; otherMirror: string };
  db: Database;
  isolation: AgentIsolation;
  warnings: string[];
  /** The job the agent runs in (repository acme/alpha). */
  job: JobDir;
  worktree: Worktree;
  /** Another job, of another repository (acme/beta), with a secret file in its worktree. */
  otherJob: JobDir;
  otherMirror: string;
  /** A process of the bot's user with a secret in its environment. */
  appProcess: ChildProcess;
  close(): Promise<void>;
}

export async function createBotDisk(): Promise<BotDisk> {
  const root = await mkdtemp(path.join(tmpdir(), "bot-disk-"));
  await chmod(root, 0o711);
  const dataDir = path.join(root, "data");
  const workspaceDir = path.join(dataDir, "workspace");
  const secrets = {
    key: `FAKEKEY${randomUUID().replace(/-/g, "")}`,
    env: `FAKEENV${randomUUID().replace(/-/g, "")}`,
    otherJob: `OTHERJOB${randomUUID().replace(/-/g, "")}`,
    otherMirror: `OTHERMIRROR${randomUUID().replace(/-/g, "")}`,
  };
  const db = await openDatabase({ dataDir });
  const keyFile = path.join(dataDir, "codex-dispatch.private-key.pem");
  await writeFile(keyFile, `-----BEGIN RSA PRIVATE KEY-----\n${secrets.key}\n-----END RSA PRIVATE KEY-----\n`, { mode: 0o600 });

  const warnings: string[] = [];
  const log = { info: () => undefined, warn: (_: object, msg: string) => void warnings.push(msg) };
  const isolation = (await setUpAgentIsolation({ env: { AGENT_ISOLATION: "uid" }, dataDir, workspaceDir, privateKeyPath: keyFile, log }))!;
  await prepareWorkspace(workspaceDir, isolation);

  const remotes: BareRemote[] = [
    await createBareRemote({ files: { "README.md": "# alpha\n" } }),
    await createBareRemote({ files: { "README.md": "# beta\n", "notes.txt": `${secrets.otherMirror}\n` } }),
  ];
  const checkout = async (repo: string, remote: BareRemote, jobId: string) => {
    const job = await createJobDir(workspaceDir, jobId, isolation);
    const mirror = await ensureMirror({ root: workspaceDir, repoFullName: repo, cloneUrl: remote.url, want: [remote.headSha], isolation });
    const worktree = await addWorktree({ mirrorPath: mirror, sha: remote.headSha, dir: job.repo, isolation });
    return { job, mirror, worktree };
  };
  const alpha = await checkout("acme/alpha", remotes[0]!, "job-alpha");
  const beta = await checkout("acme/beta", remotes[1]!, "job-beta");
  await writeFile(path.join(beta.worktree.path, "secret.txt"), `${secrets.otherJob}\n`);

  const appProcess = spawn("sleep", ["600"], { env: { PATH: process.env.PATH, APP_SECRET: secrets.env }, stdio: "ignore" });
  return {
    root,
    dataDir,
    workspaceDir,
    keyFile,
    secrets,
    db,
    isolation,
    warnings,
    job: alpha.job,
    worktree: alpha.worktree,
    otherJob: beta.job,
    otherMirror: beta.mirror,
    appProcess,
    async close() {
      appProcess.kill("SIGKILL");
      await db.close();
      for (const r of remotes) await r.cleanup();
      await rm(root, { recursive: true, force: true });
    },
  };
}

import { mkdir } from "node:fs/promises";
import path from "node:path";
import { execa } from "execa";
import { redactSecrets } from "../text-safety/redact.js";
import { launcher } from "./codex.js";
import type { AgentIsolation, AgentLease } from "./isolation.js";

export interface SandboxCommandResult {
  exitCode: number | null;
  timedOut: boolean;
  /** The last few KB of stdout and stderr, redacted. */
  output: string;
  durationMs: number;
}

const OUTPUT_TAIL = 4000;
const KILL_GRACE_MS = 2000;

/**
 * Runs a repository's verify command (from its config, so untrusted) in Codex's own sandbox: writes only in
 * the worktree and its temp dir, no network, the same minimal environment as the agent, and a wall-clock
 * limit after which the whole process group is killed. With isolation it runs under a job uid like the agent.
 */
export async function runSandboxedCommand(opts: {
  command: string;
  cwd: string;
  jobDir: string;
  timeoutMs: number;
  codexBin?: string;
  signal?: AbortSignal;
  /** Agents' own uids (the runtime's isolation); absent or null: as the bot's user. */
  isolation?: AgentIsolation | null;
}): Promise<SandboxCommandResult> {
  const dirs = {
    home: path.join(opts.jobDir, "home"),
    codexHome: path.join(opts.jobDir, "sandbox-codex-home"),
    tmp: path.join(opts.jobDir, "tmp"),
  };
  await Promise.all(Object.values(dirs).map((d) => mkdir(d, { recursive: true })));
  const isolation = opts.isolation ?? null;
  const lease = isolation ? await isolation.lease({ jobDir: opts.jobDir, cwd: opts.cwd, home: dirs.home }) : undefined;
  try {
    return await runInSandbox({ ...opts, codexBin: opts.codexBin ?? isolation?.agentBinary }, dirs, lease);
  } finally {
    await lease?.release();
  }
}

async function runInSandbox(
  opts: { command: string; cwd: string; timeoutMs: number; codexBin?: string; signal?: AbortSignal },
  dirs: { home: string; codexHome: string; tmp: string },
  lease: AgentLease | undefined,
): Promise<SandboxCommandResult> {
  const [file, fileArgs] = launcher(opts.codexBin);
  // Isolated, the command writes only in the job dir, not the shared /tmp (see codex.ts).
  const config = ["-c", 'sandbox_mode="workspace-write"', ...(lease ? ["-c", "sandbox_workspace_write.exclude_slash_tmp=true"] : [])];
  const started = Date.now();
  let output = "";
  let timedOut = false;
  const child = execa(file, [...fileArgs, "sandbox", ...config, "--", "sh", "-c", opts.command], {
    ...(lease && { uid: lease.uid, gid: lease.gid }),
    cwd: opts.cwd,
    env: {
      PATH: process.env.PATH || "/usr/local/bin:/usr/bin:/bin",
      HOME: dirs.home,
      CODEX_HOME: dirs.codexHome,
      TMPDIR: dirs.tmp,
      LANG: "C.UTF-8",
      CI: "true",
    },
    extendEnv: false,
    stdin: "ignore",
    detached: true,
    reject: false,
    buffer: false,
    encoding: "utf8",
  });
  const collect = (chunk: string) => {
    output = (output + chunk).slice(-OUTPUT_TAIL * 2);
  };
  child.stdout?.setEncoding("utf8").on("data", collect);
  child.stderr?.setEncoding("utf8").on("data", collect);
  const killGroup = (sig: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, sig);
    } catch {
      // already gone
    }
  };
  let grace: NodeJS.Timeout | undefined;
  const stop = () => {
    killGroup("SIGTERM");
    grace = setTimeout(() => killGroup("SIGKILL"), KILL_GRACE_MS);
  };
  const limit = setTimeout(() => {
    timedOut = true;
    stop();
  }, opts.timeoutMs);
  opts.signal?.addEventListener("abort", stop, { once: true });
  const result = await child;
  clearTimeout(limit);
  clearTimeout(grace);
  opts.signal?.removeEventListener("abort", stop);
  killGroup("SIGKILL");
  // Codex warns about helper binaries under temp dirs on every start: noise, not the command's output.
  const clean = output
    .split("\n")
    .filter((l) => !l.startsWith("WARNING: proceeding, even though we could not create PATH aliases"))
    .join("\n");
  return {
    exitCode: timedOut ? null : (result.exitCode ?? null),
    timedOut,
    output: redactSecrets(clean.slice(-OUTPUT_TAIL)),
    durationMs: Date.now() - started,
  };
}

import { mkdir } from "node:fs/promises";
import path from "node:path";
import { runProcess } from "../process/run-process.js";
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

// A child's stdout and stderr are socketpairs (that is how libuv makes pipes), and the sandbox's seccomp filter
// denies getsockname(): Node (libuv's uv_guess_handle) then cannot tell what fd 1 is, treats it as "unknown"
// and drops every write. So `node -e 'console.log(1)'` or a failing `node --test` printed nothing (exit codes
// were right; sh's echo and python write to the fd directly and were fine). The command therefore runs behind
// a real pipe: its stdout and stderr go through `cat`, and its exit status comes back on fd 4. A Node process
// the command itself starts with piped stdio (node --test's per-file children) still cannot print: its
// parent then reports the failure without the child's details. $1 is the repository's command, passed as an
// argument, never spliced into this script.
const THROUGH_A_PIPE = 'exec 3>&1; status=$( { { sh -c "$1" 3>&- 4>&-; echo "$?" >&4; } 2>&1 | cat >&3; } 4>&1 ); exit "$status"';

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
  const result = await runProcess(file, [...fileArgs, "sandbox", ...config, "--", "sh", "-c", THROUGH_A_PIPE, "sh", opts.command], {
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
    // The limit and a cancel stop the whole process group: the sandbox, the shell and all the command started.
    timeoutMs: opts.timeoutMs,
    signal: opts.signal,
    killGraceMs: KILL_GRACE_MS,
    tailChars: OUTPUT_TAIL,
    reject: false,
  });
  // Codex warns about helper binaries under temp dirs on every start: noise, not the command's output.
  const output = result.outputTail
    .split("\n")
    .filter((l) => !l.startsWith("WARNING: proceeding, even though we could not create PATH aliases"))
    .join("\n");
  return {
    exitCode: result.timedOut ? null : result.exitCode,
    timedOut: result.timedOut,
    output,
    durationMs: result.durationMs,
  };
}

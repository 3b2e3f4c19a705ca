import { tmpdir } from "node:os";
import { ProcessError, type ProcessFailure } from "../process/process-error.js";
import { runProcess } from "../process/run-process.js";

export interface RunGitOptions {
  cwd: string;
  /** Extra variables (for example from `gitAuthEnv` or `GIT_INDEX_FILE`); they win over the defaults. */
  env?: Record<string, string>;
  /** Default: 5 minutes. A hung fetch must not hold a mirror lock forever. */
  timeoutMs?: number;
  input?: string | Buffer;
}

const DEFAULT_TIMEOUT_MS = 5 * 60_000;
// Git's output is read whole (a diff, a blob); beyond this something is wrong and the call fails.
const MAX_OUTPUT_BYTES = 512 * 1024 * 1024;

/**
 * A failed git command: a ProcessError (command, exit code, timedOut, redacted stderr) that callers can tell
 * apart from other failures; `command` and `stderr` are redacted so the error can be logged or posted as is.
 */
export class GitError extends ProcessError {
  constructor(failure: ProcessFailure, options?: ErrorOptions) {
    super(failure, options);
    this.name = "GitError";
  }
}

// Git reads a lot from its environment and from config files outside the repository (system and global
// config, GIT_DIR, GIT_WORK_TREE, askpass helpers, credential helpers). Starting from nothing makes every
// run behave the same on a developer laptop, in CI and in the container, and means a stray GIT_* variable
// of the parent can never point a command at another repository.
function cleanEnv(extra: Record<string, string> | undefined): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
    LC_ALL: "C",
    GIT_TERMINAL_PROMPT: "0",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    // Git needs a HOME for nothing we use; a missing one keeps ~/.gitconfig, ~/.config/git and ~/.netrc out.
    HOME: "/nonexistent",
    XDG_CONFIG_HOME: "/nonexistent",
  };
  if (process.env.TMPDIR) env.TMPDIR = process.env.TMPDIR;
  return { ...env, ...extra };
}

// Values we put into the environment for git config (the auth header) must not come back through stderr.
function sensitiveValues(env: Record<string, string> | undefined): string[] {
  if (!env) return [];
  const out: string[] = [];
  for (const [key, value] of Object.entries(env)) {
    if (!key.startsWith("GIT_CONFIG_VALUE_")) continue;
    out.push(value, ...value.split(/\s+/).filter((w) => w.length >= 16));
  }
  return out;
}

async function run(args: string[], opts: RunGitOptions): Promise<Buffer> {
  if (!Array.isArray(args) || args.some((a) => typeof a !== "string")) {
    throw new TypeError("runGit: args must be an array of strings");
  }
  try {
    // git starts helpers (git-remote-https, upload-pack, ssh, aliases through a shell) that keep its pipes
    // open; the runner stops git's whole process group on the time limit, so none of them keeps the call hanging.
    const result = await runProcess("git", args, {
      cwd: opts.cwd,
      env: cleanEnv(opts.env),
      input: opts.input,
      timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      keepStdout: true,
      maxStdoutBytes: MAX_OUTPUT_BYTES,
      secrets: sensitiveValues(opts.env),
    });
    return result.stdout;
  } catch (error) {
    if (error instanceof ProcessError) throw new GitError(error);
    throw error;
  }
}

/** Runs git with a clean environment and returns stdout (final newline stripped). Throws GitError. */
export async function runGit(args: string[], opts: RunGitOptions): Promise<string> {
  return (await run(args, opts)).toString("utf8").replace(/\r?\n$/, "");
}

/** Same as runGit, for output that may not be text (blob contents): bytes are bytes, the final newline stays. */
export async function runGitBuffer(args: string[], opts: RunGitOptions): Promise<Buffer> {
  return run(args, opts);
}

/** `git --version` (for the doctor), run from a neutral directory. */
export async function gitVersion(): Promise<string> {
  return runGit(["--version"], { cwd: tmpdir(), timeoutMs: 10_000 });
}

import { execa, type ExecaError } from "execa";
import { redactSecrets, redactWith } from "../text-safety/redact.js";

export interface RunGitOptions {
  cwd: string;
  /** Extra variables (for example from `gitAuthEnv` or `GIT_INDEX_FILE`); they win over the defaults. */
  env?: Record<string, string>;
  /** Default: 5 minutes. A hung fetch must not hold a mirror lock forever. */
  timeoutMs?: number;
  input?: string | Buffer;
}

const DEFAULT_TIMEOUT_MS = 5 * 60_000;

/** A failed git command; `command` and `stderr` are redacted so the error can be logged or posted as is. */
export class GitError extends Error {
  constructor(
    readonly command: string,
    readonly exitCode: number | undefined,
    readonly stderr: string,
    readonly timedOut: boolean,
  ) {
    const why = timedOut ? "timed out" : `exited with ${exitCode ?? "a signal"}`;
    super(`${command} ${why}${stderr ? `: ${stderr.trim().slice(0, 2000)}` : ""}`);
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

async function run(args: string[], opts: RunGitOptions, encoding: "utf8" | "buffer") {
  if (!Array.isArray(args) || args.some((a) => typeof a !== "string")) {
    throw new TypeError("runGit: args must be an array of strings");
  }
  const command = redactSecrets(["git", ...args].join(" "));
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // git starts helpers (git-remote-https, upload-pack, ssh, aliases through a shell) that keep its pipes open;
  // killing git alone would leave them running and the call hanging. Its own process group goes as a whole.
  const child = execa("git", args, {
    cwd: opts.cwd,
    env: cleanEnv(opts.env),
    extendEnv: false,
    detached: true,
    input: opts.input,
    stdin: opts.input === undefined ? "ignore" : undefined,
    encoding,
    // Bytes are bytes: a file read with `cat-file` must keep its final newline.
    stripFinalNewline: encoding !== "buffer",
    maxBuffer: 512 * 1024 * 1024,
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }, timeoutMs);
  try {
    return await child;
  } catch (error) {
    const e = error as ExecaError;
    const raw = e.stderr;
    const stderrText = typeof raw === "string" ? raw : raw instanceof Uint8Array ? Buffer.from(raw).toString("utf8") : "";
    const stderr = redactWith(stderrText || e.shortMessage || String(error), sensitiveValues(opts.env));
    throw new GitError(command, e.exitCode, stderr, timedOut);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs git with a clean environment and returns stdout (final newline stripped). Throws GitError. */
export async function runGit(args: string[], opts: RunGitOptions): Promise<string> {
  const result = await run(args, opts, "utf8");
  return result.stdout as string;
}

/** Same as runGit, for output that may not be text (blob contents). */
export async function runGitBuffer(args: string[], opts: RunGitOptions): Promise<Buffer> {
  const result = await run(args, opts, "buffer");
  return Buffer.from(result.stdout as Uint8Array);
}

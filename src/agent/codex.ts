// Runs the real Codex CLI (`codex exec --json`) on one job. This is the only place that spawns codex.
//
// Security: codex runs on untrusted text, so it gets nothing worth stealing. Its environment is built from
// scratch (no GitHub token, no private key path, no real model key: only a per-job token for the key
// proxy), its CODEX_HOME is fresh per job (no user config, sessions or project trust), and the commands it
// runs see only the "core" variables. It runs in its own process group so that a timeout or a cancel kills
// every process it started, not just the launcher.
import { existsSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { runProcess } from "../process/run-process.js";
import { redactWith } from "../text-safety/redact.js";
import { CodexEventParser } from "./events.js";
import { defaultCodexBinary } from "./agent-binary.js";
import { maskCheckoutInstructions, NO_CHECKOUT_INSTRUCTIONS } from "./checkout-instructions.js";
import type { AgentRun, CodexRunOptions } from "./codex-run-types.js";
import { ownCodexEnv, OWN_KEY_VARIABLES, ownSecrets } from "./own-credentials.js";

export type { AgentRun, CodexRunOptions } from "./codex-run-types.js";

// The variable codex reads the proxy token from (the provider's env_key). Commands never see it.
export const MODEL_TOKEN_ENV = "CODEX_DISPATCH_MODEL_TOKEN";
const PROVIDER = "codex_dispatch";
const STDERR_TAIL_BYTES = 4096;
// After SIGTERM codex gets this long to exit before the group is killed outright.
const KILL_GRACE_MS = 1500;

const optionsSchema = z.object({
  codexBin: z.string().min(1).optional(),
  cwd: z.string().min(1, "cwd is required"),
  prompt: z.string().min(1, "prompt must not be empty"),
  sandbox: z.enum(["read-only", "workspace-write"]),
  outputSchema: z.record(z.string(), z.unknown()).optional(),
  jobDir: z.string().min(1, "jobDir is required"),
  addDirs: z.array(z.string().min(1)).optional(),
  model: z
    .string()
    .regex(/^[A-Za-z0-9._:/-]+$/, "model must be a plain model name")
    .optional(),
  modelBaseUrl: z.url({ protocol: /^https?$/, error: "modelBaseUrl must be an http(s) URL" }),
  modelToken: z.string().min(1, "modelToken is required"),
  timeoutMs: z.number().int().positive(),
});

// The user's own login: no proxy URL or token, and nothing the App path alone uses (its own uid, instructions
// written into a fresh CODEX_HOME: the user's CODEX_HOME is never written to).
const ownOptionsSchema = optionsSchema.omit({ modelBaseUrl: true, modelToken: true }).extend({
  modelBaseUrl: z.never({ error: "credentials own takes no modelBaseUrl" }).optional(),
  modelToken: z.never({ error: "credentials own takes no modelToken" }).optional(),
  isolation: z.null({ error: "credentials own runs as the user: no isolation" }).optional(),
  instructions: z.null({ error: "credentials own takes no instructions (the user's CODEX_HOME is not written to)" }).optional(),
});

export async function runCodex(opts: CodexRunOptions): Promise<AgentRun> {
  const own = opts.credentials === "own";
  const checked = (own ? ownOptionsSchema : optionsSchema).safeParse(opts);
  if (!checked.success) throw new Error(`runCodex: ${z.prettifyError(checked.error)}`);
  if (!existsSync(opts.cwd)) throw new Error(`runCodex: cwd ${opts.cwd} does not exist`);
  // The provider table is TOML built from strings: refuse anything that could break out of a string.
  if (!own && /["\\\s]/.test(opts.modelBaseUrl ?? "")) throw new Error("runCodex: modelBaseUrl contains quotes, backslashes or spaces");

  if (opts.signal?.aborted) {
    // Cancelled before it started (e.g. the job was cancelled while waiting): nothing to spawn or kill.
    return {
      agent: "codex",
      outcome: "cancelled",
      exitCode: null,
      durationMs: 0,
      commands: [],
      fileChanges: [],
      errors: ["codex was cancelled"],
      usage: { inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, reasoningOutputTokens: 0 },
      stderrTail: "",
      garbageLines: 0,
      checkoutConfigWritten: [],
    };
  }

  const jobDir = path.resolve(opts.jobDir);
  const dirs = {
    codexHome: path.join(jobDir, "codex-home"),
    home: path.join(jobDir, "home"),
    tmp: path.join(jobDir, "tmp"),
  };
  if (own) {
    await mkdir(dirs.tmp, { recursive: true });
  } else {
    await rm(dirs.codexHome, { recursive: true, force: true });
    await Promise.all(Object.values(dirs).map((dir) => mkdir(dir, { recursive: true })));
    if (opts.instructions) await writeFile(path.join(dirs.codexHome, "AGENTS.md"), `${opts.instructions}\n`);
  }

  const args = ["exec", "--json", "--sandbox", opts.sandbox, "-C", path.resolve(opts.cwd)];
  // The local CLI chose its folder itself (a throw-away worktree, or an empty one for a log alone): no guessing.
  if (own || !insideGitRepo(opts.cwd)) args.push("--skip-git-repo-check");
  if (opts.model) args.push("-m", opts.model);
  for (const dir of opts.addDirs ?? []) args.push("--add-dir", path.resolve(dir));
  if (opts.outputSchema) {
    const schemaFile = path.join(jobDir, "output-schema.json");
    await writeFile(schemaFile, JSON.stringify(opts.outputSchema));
    args.push("--output-schema", schemaFile);
  }
  // With the user's own login the provider is whatever their CODEX_HOME configures: no override.
  if (!own) {
    args.push(
      "-c",
      `model_provider="${PROVIDER}"`,
      "-c",
      `model_providers.${PROVIDER}={name="${PROVIDER}",base_url="${opts.modelBaseUrl}",wire_api="responses",env_key="${MODEL_TOKEN_ENV}",stream_max_retries=0,request_max_retries=0}`,
    );
  }
  args.push(
    // Commands the agent runs get only the core variables, and never the provider token (or the user's key).
    "-c",
    `shell_environment_policy.inherit="core"`,
    "-c",
    own
      ? `shell_environment_policy.exclude=[${OWN_KEY_VARIABLES.map((k) => `"${k}"`).join(",")}]`
      : `shell_environment_policy.exclude=["${MODEL_TOKEN_ENV}"]`,
    ...NO_CHECKOUT_INSTRUCTIONS,
  );
  const isolation = opts.isolation ?? null;
  // Under its own uid the agent writes only in its job dir: files left in the shared /tmp would outlive the
  // run, and a later run given the same uid could read them. On the user's machine /tmp holds their other work.
  if (isolation || own) args.push("-c", "sandbox_workspace_write.exclude_slash_tmp=true");
  args.push("-");

  const env: Record<string, string> = own
    ? await ownCodexEnv(dirs.tmp)
    : {
        PATH: process.env.PATH || "/usr/local/bin:/usr/bin:/bin",
        HOME: dirs.home,
        CODEX_HOME: dirs.codexHome,
        LANG: "C.UTF-8",
        TMPDIR: dirs.tmp,
        [MODEL_TOKEN_ENV]: opts.modelToken as string,
      };

  const [file, fileArgs] = launcher(opts.codexBin ?? isolation?.agentBinary);
  const mask = await maskCheckoutInstructions(path.resolve(opts.cwd), path.join(jobDir, "masked-checkout"));
  let run: AgentRun | undefined;
  try {
    const lease = isolation ? await isolation.lease({ jobDir, cwd: opts.cwd, home: dirs.home }) : undefined;
    try {
      run = await spawnCodex(opts, file, [...fileArgs, ...args], env, lease);
    } finally {
      // Before the bot's own git touches the worktree again, the files are the bot's (and the agent is gone).
      await lease?.release();
    }
  } finally {
    const written = await mask.restore();
    if (run) run.checkoutConfigWritten = written;
  }
  return run;
}

async function spawnCodex(
  opts: CodexRunOptions,
  file: string,
  args: string[],
  env: Record<string, string>,
  lease: { uid: number; gid: number } | undefined,
): Promise<AgentRun> {
  const parser = new CodexEventParser(opts.onEvent);
  const secrets = opts.credentials === "own" ? ownSecrets(env) : [opts.modelToken as string];
  // The runner stops codex's whole process group on the time limit or a cancel, so every process it started
  // goes with it, not just the launcher; its stdout (the event stream) goes to the parser as it comes.
  const result = await runProcess(file, args, {
    ...(lease && { uid: lease.uid, gid: lease.gid }),
    cwd: opts.cwd,
    env,
    input: opts.prompt,
    timeoutMs: opts.timeoutMs,
    signal: opts.signal,
    killGraceMs: KILL_GRACE_MS,
    onSpawn: opts.onSpawn,
    onStdout: (text) => parser.push(text),
    tailChars: STDERR_TAIL_BYTES,
    secrets,
    reject: false,
  });

  const summary = parser.end();
  const errors = [...summary.errors];
  const exitCode = result.exitCode;
  const signal = result.signal ?? undefined;
  let outcome: AgentRun["outcome"];
  if (result.timedOut) {
    outcome = "timeout";
    errors.push(`codex did not finish within ${opts.timeoutMs} ms and was killed`);
  } else if (result.aborted) {
    outcome = "cancelled";
    errors.push("codex was cancelled");
  } else if (result.startError !== null) {
    outcome = "crashed";
    errors.push(`codex could not be started: ${result.startError}`);
  } else if (signal !== undefined) {
    outcome = "crashed";
    errors.push(`codex was killed by ${signal}`);
  } else if (exitCode === 0 && !summary.turnFailed && summary.finalMessage !== undefined) {
    outcome = "completed";
  } else {
    outcome = "failed";
    // Say why, unless codex already did (garbage samples are not a reason).
    if (!errors.some((e) => !e.startsWith("unparseable output line"))) {
      errors.push(exitCode === 0 ? "codex exited without a final message" : `codex exited with code ${exitCode}`);
    }
  }

  return {
    agent: "codex",
    outcome,
    exitCode,
    signal,
    threadId: summary.threadId,
    durationMs: result.durationMs,
    finalMessage: summary.finalMessage,
    commands: summary.commands,
    fileChanges: summary.fileChanges,
    usage: summary.usage,
    errors: errors.map((e) => redactWith(e, secrets)),
    stderrTail: result.stderrTail,
    garbageLines: summary.garbageLines,
    checkoutConfigWritten: [],
  };
}

/** The command to start: a `.js` launcher runs under this Node, anything else is executed directly. */
export function launcher(codexBin: string | undefined): [string, string[]] {
  const bin = codexBin ?? (process.env.CODEX_BIN || defaultCodexBinary());
  return /\.[cm]?js$/.test(bin) ? [process.execPath, [bin]] : [bin, []];
}

// `codex exec` refuses to run outside a git repository unless told to; worktrees normally are one.
function insideGitRepo(dir: string): boolean {
  let current = path.resolve(dir);
  for (;;) {
    if (existsSync(path.join(current, ".git"))) return true;
    const parent = path.dirname(current);
    if (parent === current) return false;
    current = parent;
  }
}

// Runs the real Claude Code CLI (`claude -p --output-format stream-json`) on one job: the second backend of the
// Agent boundary (agent.ts). Same treatment as codex (codex.ts): an environment built from scratch whose only
// credential is the per-job proxy token, a fresh HOME, config dir and TMPDIR inside the job dir, the agent's
// own uid when isolation is on, and its own process group, killed on the time limit or a cancel.
import { existsSync } from "node:fs";
import { chmod, chown, mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { runProcess } from "../../process/run-process.js";
import { redactWith } from "../../text-safety/redact.js";
import type { Agent, AgentTask } from "../agent.js";
import { CLAUDE_MASKED, maskCheckoutInstructions } from "../checkout-instructions.js";
import type { AgentRun } from "../codex-run-types.js";
import { claudeReachableBinary, defaultClaudeBinary } from "./binary.js";
import { claudeArgs, claudeEnv, DEFAULT_MAX_TURNS, ownClaudeRunEnv } from "./claude-args.js";
import { ownSecrets } from "../own-credentials.js";
import { ClaudeEventParser } from "./claude-events.js";
import { killClaudeLeftovers } from "./leftovers.js";
import { outcomeOf } from "./claude-outcome.js";

/** The model when neither the repository nor CLAUDE_MODEL names one (the CLI maps it to its current Sonnet). */
export const DEFAULT_CLAUDE_MODEL = "sonnet";
const TAIL_CHARS = 4096;
const KILL_GRACE_MS = 1500;

export interface ClaudeRunOptions extends AgentTask {
  /** Default: CLAUDE_BIN, else the native binary of the @anthropic-ai/claude-code dependency. */
  claudeBin?: string;
  /**
   * "proxy" (default, the App): baseUrl and token below, fresh HOME and config dir. "own" (only the local CLI
   * on the user's machine, src/local/): the user's HOME, login and key variables; no baseUrl, token or isolation.
   */
  credentials?: "proxy" | "own";
  /** ANTHROPIC_BASE_URL: the key proxy's root. Required unless "own". */
  baseUrl?: string;
  /** ANTHROPIC_API_KEY: the per-job proxy token, never a real key. Required unless "own". */
  token?: string;
  maxTurns?: number;
}

const optionsSchema = z.object({
  cwd: z.string().min(1, "cwd is required"),
  prompt: z.string().min(1, "prompt must not be empty"),
  sandbox: z.enum(["read-only", "workspace-write"]),
  jobDir: z.string().min(1, "jobDir is required"),
  model: z
    .string()
    .regex(/^[A-Za-z0-9._:/[\]-]+$/, "model must be a plain model name")
    .optional(),
  baseUrl: z.url({ protocol: /^https?$/, error: "baseUrl must be an http(s) URL" }),
  token: z.string().min(1, "token is required"),
  timeoutMs: z.number().int().positive(),
  maxTurns: z.number().int().positive().optional(),
});

const ownOptionsSchema = optionsSchema.omit({ baseUrl: true, token: true }).extend({
  baseUrl: z.never({ error: "credentials own takes no baseUrl" }).optional(),
  token: z.never({ error: "credentials own takes no token" }).optional(),
  isolation: z.null({ error: "credentials own runs as the user: no isolation" }).optional(),
});

export function claudeAgent(opts: { claudeBin?: string; defaultModel?: string; maxTurns?: number } = {}): Agent {
  return {
    backend: "claude",
    run: (task, access) =>
      runClaude({
        ...task,
        model: task.model ?? opts.defaultModel,
        claudeBin: opts.claudeBin,
        maxTurns: opts.maxTurns,
        baseUrl: access.messagesBaseUrl,
        token: access.token,
      }),
  };
}

export async function runClaude(opts: ClaudeRunOptions): Promise<AgentRun> {
  const own = opts.credentials === "own";
  const checked = (own ? ownOptionsSchema : optionsSchema).safeParse(opts);
  if (!checked.success) throw new Error(`runClaude: ${z.prettifyError(checked.error)}`);
  if (!existsSync(opts.cwd)) throw new Error(`runClaude: cwd ${opts.cwd} does not exist`);
  if (opts.signal?.aborted) return cancelledBeforeStart();

  const jobDir = path.resolve(opts.jobDir);
  const dirs = { home: path.join(jobDir, "home"), config: path.join(jobDir, "claude-config"), tmp: path.join(jobDir, "tmp") };
  await rm(dirs.config, { recursive: true, force: true });
  await Promise.all(Object.values(dirs).map((dir) => mkdir(dir, { recursive: true })));
  const maxTurns = opts.maxTurns ?? DEFAULT_MAX_TURNS;
  const args = claudeArgs({
    sandbox: opts.sandbox,
    model: opts.model ?? DEFAULT_CLAUDE_MODEL,
    maxTurns,
    instructions: opts.instructions,
    outputSchema: opts.outputSchema,
    addDirs: opts.addDirs,
  });
  // Claude's sandbox binds Unix sockets under TMPDIR (claude-<uid>/claude-http-<hex>.sock); a socket path is at
  // most 108 bytes, which a job dir under WORKSPACE_DIR can exceed (the sandbox then fails to start: "Failed to
  // create bridge sockets"). So its TMPDIR is a short private dir of its own, removed after the run.
  const shortTmp = await mkdtemp(path.join(os.tmpdir(), "cc-"));
  await chmod(shortTmp, 0o700);
  const env = own ? ownClaudeRunEnv(shortTmp) : claudeEnv({ ...dirs, tmp: shortTmp }, opts.baseUrl as string, opts.token as string);
  const isolation = opts.isolation ?? null;
  const chosen = opts.claudeBin ?? (process.env.CLAUDE_BIN || undefined);
  const bin = chosen ?? defaultClaudeBinary();
  const file = isolation ? await claudeReachableBinary(bin, chosen !== undefined) : bin;

  const mask = await maskCheckoutInstructions(path.resolve(opts.cwd), path.join(jobDir, "masked-checkout"), CLAUDE_MASKED);
  let run: AgentRun | undefined;
  try {
    const lease = isolation ? await isolation.lease({ jobDir, cwd: opts.cwd, home: dirs.home }) : undefined;
    if (lease) await chown(shortTmp, lease.uid, lease.gid);
    try {
      const parser = new ClaudeEventParser(opts.onEvent);
      const secrets = own ? ownSecrets(env) : [opts.token as string];
      let pid: number | undefined;
      const result = await runProcess(file, args, {
        ...(lease && { uid: lease.uid, gid: lease.gid }),
        cwd: opts.cwd,
        env,
        input: opts.prompt,
        timeoutMs: opts.timeoutMs,
        signal: opts.signal,
        killGraceMs: KILL_GRACE_MS,
        onSpawn: (spawned) => {
          pid = spawned;
          opts.onSpawn?.(spawned);
        },
        onStdout: (text) => parser.push(text),
        tailChars: TAIL_CHARS,
        secrets,
        reject: false,
      });
      // The commands Claude ran are not in its process group: what they left running goes now.
      if (pid !== undefined) await killClaudeLeftovers(pid);
      const summary = parser.end();
      const { outcome, finalMessage, errors } = outcomeOf(result, summary, {
        timeoutMs: opts.timeoutMs,
        maxTurns,
        wantsSchema: !!opts.outputSchema,
      });
      run = {
        agent: "claude",
        outcome,
        exitCode: result.exitCode,
        signal: result.signal ?? undefined,
        threadId: summary.threadId,
        durationMs: result.durationMs,
        finalMessage,
        commands: summary.commands,
        fileChanges: summary.fileChanges,
        usage: summary.usage,
        errors: errors.map((e) => redactWith(e, secrets)),
        stderrTail: result.stderrTail,
        garbageLines: summary.garbageLines,
        checkoutConfigWritten: [],
      };
    } finally {
      await lease?.release();
    }
  } finally {
    const written = await mask.restore();
    if (run) run.checkoutConfigWritten = written;
    await rm(shortTmp, { recursive: true, force: true });
  }
  return run;
}

function cancelledBeforeStart(): AgentRun {
  return {
    agent: "claude",
    outcome: "cancelled",
    exitCode: null,
    durationMs: 0,
    commands: [],
    fileChanges: [],
    errors: ["claude was cancelled"],
    usage: { inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, reasoningOutputTokens: 0 },
    stderrTail: "",
    garbageLines: 0,
    checkoutConfigWritten: [],
  };
}

// `codex-dispatch triage --log` as an API: a CI log (a file, "-" for stdin, gzip read transparently) reduced
// by the App's reducer, the App's triage prompt and schema, one read-only run with the user's own login in a
// throw-away checkout of their repository, or in an empty folder when there is none. Prints nothing.
import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import type { AgentEvent, AgentRun } from "../agent/agent.js";
import type { CodexUsage } from "../agent/events.js";
import { buildTriagePrompt } from "../agent/prompts/triage.js";
import { parseTriageReport, triageReportJsonSchema, type TriageReport } from "../agent/report.js";
import { openLogFile, reduceLog } from "../logs/reduce.js";
import { failureOf, runLocalAgent, type LocalAgentName } from "./local-agent.js";
import { localRepoFacts } from "./local-repo.js";
import { addThrowawayWorktree, scratchDirs } from "./throwaway-worktree.js";

export interface LocalTriageOptions {
  /** The log file, "-" for stdin; gzip is recognised by its magic bytes. */
  log: string;
  /** A folder inside the repository the log is of; null: no checkout (the agent sees the log alone). */
  repo: string | null;
  agent: LocalAgentName;
  model?: string;
  /** Lines of the excerpt (the reducer's default: 150). */
  maxLines?: number;
  timeoutMs: number;
  signal?: AbortSignal;
  onEvent?: (event: AgentEvent) => void;
}

export interface LocalTriageResult {
  ok: boolean;
  error?: string;
  agent: LocalAgentName;
  outcome: AgentRun["outcome"];
  report: TriageReport | null;
  /** The reduced excerpt the prompt carried. */
  excerpt: string;
  totalLines: number;
  /** The checkout the agent read, or null when it had none. */
  checkout: { repoRoot: string; sha: string; dirty: boolean } | null;
  tokens: CodexUsage;
  durationMs: number;
}

export async function runLocalTriage(opts: LocalTriageOptions): Promise<LocalTriageResult> {
  const started = Date.now();
  const worktree = opts.repo === null ? null : await addThrowawayWorktree(opts.repo);
  const scratch = worktree ? null : await scratchDirs();
  try {
    const jobDir = worktree?.jobDir ?? (scratch as { jobDir: string }).jobDir;
    const cwd = worktree?.path ?? (scratch as { work: string }).work;
    // The whole log, unpacked, beside the checkout: the excerpt is reduced from it and the agent may search it.
    const logsDir = path.join(jobDir, "logs");
    await mkdir(logsDir, { recursive: true });
    const logFile = path.join(logsDir, logFileName(opts.log));
    await pipeline(Readable.from(copyChunks(openLogFile(opts.log))), createWriteStream(logFile, { mode: 0o600 }));
    const reduced = await reduceLog(openLogFile(logFile), { maxLines: opts.maxLines });
    const facts = worktree ? await localRepoFacts(worktree.repoRoot) : null;

    const prompt = buildTriagePrompt({
      repoFullName: facts?.name ?? "a project (no repository given)",
      headSha: worktree?.sha ?? null,
      headBranch: facts?.branch ?? null,
      ciName: "(a log file given on the command line)",
      failedJobs: [
        { name: path.basename(logFile), failedSteps: reduced.failedStep ? [reduced.failedStep] : [], logFile, excerpt: reduced.text },
      ],
      annotations: [],
      logsDir,
    });
    const run = await runLocalAgent({
      agent: opts.agent,
      cwd,
      prompt,
      sandbox: "read-only",
      outputSchema: triageReportJsonSchema(),
      jobDir,
      addDirs: [logsDir],
      model: opts.model,
      timeoutMs: opts.timeoutMs,
      signal: opts.signal,
      onEvent: opts.onEvent,
    });
    const parsed = parseTriageReport(run.finalMessage);
    const failed = failureOf(run);
    const error = failed ?? (parsed.ok ? undefined : parsed.error);
    return {
      ok: !error,
      ...(error && { error }),
      agent: opts.agent,
      outcome: run.outcome,
      report: parsed.ok ? parsed.report : null,
      excerpt: reduced.text,
      totalLines: reduced.totalLines,
      checkout: worktree ? { repoRoot: worktree.repoRoot, sha: worktree.sha, dirty: worktree.dirty } : null,
      tokens: run.usage,
      durationMs: Date.now() - started,
    };
  } finally {
    await worktree?.remove();
    await scratch?.remove();
  }
}

/** The copy's name: the log's own, cleaned, without .gz (it is stored unpacked). */
function logFileName(log: string): string {
  if (log === "-") return "stdin.log";
  const base = path
    .basename(log)
    .replace(/\.gz$/i, "")
    .replace(/[^A-Za-z0-9_.-]+/g, "-")
    .replace(/^[.-]+/, "");
  return base ? (/\.(log|txt)$/i.test(base) ? base : `${base}.log`) : "ci.log";
}

// openLogFile reuses its read buffer between chunks: each is copied before the stream holds on to it.
async function* copyChunks(source: AsyncIterable<Uint8Array>): AsyncIterable<Buffer> {
  for await (const chunk of source) yield Buffer.from(chunk);
}

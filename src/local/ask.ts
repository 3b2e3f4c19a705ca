// `codex-dispatch ask` as an API: one question or change request, answered by an agent in a throw-away
// checkout of the user's repository with the user's own login. Prints nothing; the CLI (cli/ask.ts) and the
// MCP server's local tools format the result. Cancellable through `signal`: the agent's process group is
// stopped and the checkout removed.
import type { AgentEvent, AgentRun } from "../agent/agent.js";
import type { CodexUsage } from "../agent/events.js";
import { explainReportJsonSchema, parseExplainReport, type ExplainReport } from "../agent/explain-report.js";
import { fixReportJsonSchema, parseFixReport, type FixReport } from "../agent/fix-report.js";
import { buildExplainPrompt } from "../agent/prompts/explain.js";
import { buildFixPrompt } from "../agent/prompts/fix.js";
import { collectChanges } from "../workspace/diff.js";
import { checkFixDiff } from "../workspace/fix-diff-policy.js";
import type { PolicyResult } from "../workspace/policy.js";
import { failureOf, runLocalAgent, type LocalAgentName } from "./local-agent.js";
import { localFixPolicy, localRepoFacts } from "./local-repo.js";
import { addThrowawayWorktree } from "./throwaway-worktree.js";
import { applyPatch, worktreePatch, type ApplyResult } from "./worktree-diff.js";

export interface LocalAskOptions {
  task: string;
  /** A folder inside the user's repository. */
  cwd: string;
  agent: LocalAgentName;
  /** false: read-only, the explain prompt and schema; true: workspace-write, the fix prompt, schema and policy. */
  write: boolean;
  model?: string;
  timeoutMs: number;
  signal?: AbortSignal;
  onEvent?: (event: AgentEvent) => void;
}

interface Common {
  /** The agent finished, its answer fits the schema and (write) the diff passed the policy. */
  ok: boolean;
  /** Why not ok, in one sentence. */
  error?: string;
  agent: LocalAgentName;
  outcome: AgentRun["outcome"];
  repoRoot: string;
  sha: string;
  /** The user's tree had uncommitted changes: the agent did not see them. */
  dirty: boolean;
  tokens: CodexUsage;
  durationMs: number;
}

export type LocalAskResult =
  | (Common & { mode: "explain"; report: ExplainReport | null })
  | (Common & { mode: "write"; report: FixReport | null; diff: string; policy: PolicyResult });

export async function runLocalAsk(opts: LocalAskOptions): Promise<LocalAskResult> {
  const task = opts.task.trim();
  if (!task) throw new Error("runLocalAsk: the task is empty");
  const started = Date.now();
  const worktree = await addThrowawayWorktree(opts.cwd);
  try {
    const facts = await localRepoFacts(worktree.repoRoot);
    const policy = localFixPolicy();
    const prompt = opts.write
      ? buildFixPrompt({
          repoFullName: facts.name,
          baseRef: facts.branch,
          task: "carry out the owner's request below.",
          context: [{ label: "The owner's request", text: task }],
          policy,
        })
      : buildExplainPrompt({ repoFullName: facts.name, question: task, sha: worktree.sha, target: { kind: "local" } });
    const run = await runLocalAgent({
      agent: opts.agent,
      cwd: worktree.path,
      prompt,
      sandbox: opts.write ? "workspace-write" : "read-only",
      outputSchema: opts.write ? fixReportJsonSchema() : explainReportJsonSchema(),
      jobDir: worktree.jobDir,
      model: opts.model,
      timeoutMs: opts.timeoutMs,
      signal: opts.signal,
      onEvent: opts.onEvent,
    });
    const common = {
      agent: opts.agent,
      outcome: run.outcome,
      repoRoot: worktree.repoRoot,
      sha: worktree.sha,
      dirty: worktree.dirty,
      tokens: run.usage,
      durationMs: Date.now() - started,
    };
    const failed = failureOf(run);
    if (!opts.write) {
      const parsed = parseExplainReport(run.finalMessage);
      const error = failed ?? (parsed.ok ? undefined : parsed.error);
      return { mode: "explain", ...common, ok: !error, ...(error && { error }), report: parsed.ok ? parsed.report : null };
    }
    // The worktree is the truth, whatever the agent says it did (and even when it failed half-way).
    const changes = await collectChanges(worktree.path, worktree.sha);
    const verdict = checkFixDiff(changes, policy, run.checkoutConfigWritten);
    const diff = await worktreePatch(worktree.path, worktree.sha);
    const parsed = parseFixReport(run.finalMessage);
    const error = failed ?? (parsed.ok ? undefined : parsed.error) ?? (verdict.ok ? undefined : verdict.message);
    return {
      mode: "write",
      ...common,
      ok: !error,
      ...(error && { error }),
      report: parsed.ok ? parsed.report : null,
      diff,
      policy: verdict,
    };
  } finally {
    await worktree.remove();
  }
}

/** Applies a write run's diff to the user's working tree; never one the policy refused or a failed run's. */
export async function applyLocalAsk(result: LocalAskResult): Promise<ApplyResult> {
  if (result.mode !== "write") return { ok: false, error: "only a --write run has a diff to apply" };
  if (!result.policy.ok) return { ok: false, error: `the diff was refused: ${result.policy.message}` };
  if (!result.ok) return { ok: false, error: `the run did not succeed: ${result.error ?? "unknown"}` };
  return applyPatch(result.repoRoot, result.diff);
}

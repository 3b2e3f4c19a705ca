// One agent's attempt at a fix in one worktree: the agent run, its report, the diff policy on what it changed,
// and the verify command after it. A plain fix makes one attempt; a race makes one per agent, in worktrees of
// their own, and race.ts judges them. Nothing here talks to GitHub: the caller reports and publishes.
import { fixReportJsonSchema, parseFixReport, type FixReport } from "../../agent/fix-report.js";
import type { SandboxCommandResult } from "../../agent/sandbox-command.js";
import { collectChanges, type Change } from "../../workspace/diff.js";
import { agentStep, describeAgentFailure, type AgentStepContext, type ProxiedRun } from "../steps/agent-step.js";
import type { AgentChoice } from "../steps/agent-choice.js";
import type { AgentSpend } from "../steps/spend.js";
import type { TrustedInstructions } from "../steps/trusted-instructions.js";
import type { PipelineDeps } from "../deps.js";
import { checkFixDiff, type FixPolicy } from "./diff-check.js";
import type { RepeatCount } from "./verify.js";

/** Runs the verify command in one worktree (once, or the flaky chaser's K times). */
export type VerifyCheck = (cwd: string, command: string) => Promise<{ result: SandboxCommandResult; count: RepeatCount | null }>;

export interface AttemptInput {
  cwd: string;
  jobDir: string;
  baseSha: string;
  prompt: string;
  instructions: TrustedInstructions | null;
  policy: FixPolicy;
  /** A maintenance task's `paths`. */
  onlyPaths?: string[];
  verifyCommand: string | null;
  check: VerifyCheck;
  onEvent?: Parameters<typeof agentStep>[2]["onEvent"];
}

export interface FixAttempt {
  run: ProxiedRun;
  tokens: { input: number; output: number; costUsd: number | null };
  spend: AgentSpend;
  timeoutMs: number;
  /** The agent's report; null with `failure` when it gave none that fits. */
  report: FixReport | null;
  failure: string | null;
  changes: Change[];
  verdict: ReturnType<typeof checkFixDiff> | null;
  /** The verify command after the change; null when there is none, or the diff was refused first. */
  after: { result: SandboxCommandResult; count: RepeatCount | null } | null;
}

export async function attemptFix(deps: PipelineDeps, step: AgentStepContext, input: AttemptInput, pick?: AgentChoice): Promise<FixAttempt> {
  const { run, tokens, timeoutMs, spend } = await agentStep(
    deps,
    step,
    {
      cwd: input.cwd,
      prompt: input.prompt,
      sandbox: "workspace-write",
      instructions: input.instructions,
      outputSchema: fixReportJsonSchema(),
      jobDir: input.jobDir,
      onEvent: input.onEvent,
    },
    pick,
  );
  const base = { run, tokens, spend, timeoutMs, changes: [] as Change[], verdict: null, after: null };
  const parsed = run.outcome === "completed" ? parseFixReport(run.finalMessage) : null;
  if (!parsed?.ok) return { ...base, report: null, failure: !parsed ? describeAgentFailure(run, timeoutMs) : parsed.error };
  // The diff in the worktree is the truth, never the agent's message.
  const changes = await collectChanges(input.cwd, input.baseSha);
  const verdict = checkFixDiff(changes, input.policy, run.checkoutConfigWritten, input.onlyPaths);
  const after = verdict.ok && !verdict.empty && input.verifyCommand ? await input.check(input.cwd, input.verifyCommand) : null;
  return { ...base, report: parsed.report, failure: null, changes, verdict, after };
}

// A second opinion on a triage: when the first agent is unsure (its confidence at most triage.second_opinion),
// the other agent triages the same failure with the same prompt, in the same read-only checkout. Two agents with
// different training see different things; the comment says whether they agree, and shows both causes when they
// do not, so a maintainer knows how far to trust the first answer.
import { parseTriageReport, type TriageReport } from "../../agent/report.js";
import type { RepoConfig } from "../../config/repo-config.js";
import { sanitizeMarkdown, sanitizeMarkdownLine } from "../../text-safety/markdown.js";
import { agentStep, describeAgentFailure, type AgentStepContext } from "../steps/agent-step.js";
import { agentName, spendLine, type AgentSpend } from "../steps/spend.js";
import type { PipelineDeps } from "../deps.js";

const RANK = { low: 0, medium: 1, high: 2 } as const;

export interface SecondOpinion {
  spend: AgentSpend;
  tokens: { input: number; output: number; costUsd: number | null };
  report: TriageReport | null;
  /** Why there is no report (the other agent failed); null when there is one. */
  failure: string | null;
}

export function wantsSecondOpinion(config: RepoConfig, first: TriageReport): boolean {
  const at = config.triage.second_opinion;
  return at !== "off" && RANK[first.confidence] <= RANK[at];
}

/** The other agent's triage of the same failure. */
export async function secondOpinion(
  deps: PipelineDeps,
  step: AgentStepContext,
  first: { agent: AgentSpend["agent"]; report: TriageReport },
  opts: Parameters<typeof agentStep>[2],
): Promise<SecondOpinion> {
  const other = first.agent === "codex" ? "claude" : "codex";
  const reason = `triage.second_opinion: ${agentName(first.agent)}'s confidence was ${first.report.confidence}`;
  const { run, tokens, timeoutMs, spend } = await agentStep(deps, step, opts, { backend: other, reason });
  const parsed = run.outcome === "completed" ? parseTriageReport(run.finalMessage) : null;
  if (parsed?.ok) return { spend, tokens, report: parsed.report, failure: null };
  return { spend, tokens, report: null, failure: parsed ? parsed.error : describeAgentFailure(run, timeoutMs) };
}

/** They agree when they name the same kind of failure and, where both point at files, at least one same file. */
export function agree(a: TriageReport, b: TriageReport): boolean {
  if (a.classification !== b.classification) return false;
  const pa = new Set(a.locations.map((l) => l.path));
  const pb = b.locations.map((l) => l.path);
  return pa.size === 0 || pb.length === 0 || pb.some((p) => pa.has(p));
}

/** The comment's section: agreement in a line, or the other cause in full. Model text is sanitised like the first. */
export function renderSecondOpinion(
  first: TriageReport,
  firstAgent: AgentSpend["agent"],
  second: SecondOpinion,
  webBaseUrl: string,
): string {
  const safe = { webBaseUrl };
  const who = agentName(second.spend.agent);
  const lines = ["**Second opinion**", ""];
  if (!second.report) {
    lines.push(`${who} was asked too, and could not answer: ${sanitizeMarkdownLine(second.failure ?? "no answer", safe)}`);
  } else if (agree(first, second.report)) {
    lines.push(
      `${who} agrees (${second.report.classification}, confidence ${second.report.confidence}): ${sanitizeMarkdownLine(second.report.summary, safe)}`,
    );
  } else {
    lines.push(
      `${who} disagrees with ${agentName(firstAgent)}: it finds ${second.report.classification} (confidence ${second.report.confidence}), not ${first.classification}.`,
      "",
      `**${sanitizeMarkdownLine(second.report.summary, safe)}**`,
      "",
      sanitizeMarkdown(second.report.root_cause, safe),
    );
    if (second.report.suggested_fix.trim())
      lines.push("", `${who}'s suggested fix: ${sanitizeMarkdown(second.report.suggested_fix, safe)}`);
  }
  lines.push("", `<sub>Second opinion: ${spendLine(second.spend)}</sub>`, "");
  return lines.join("\n");
}

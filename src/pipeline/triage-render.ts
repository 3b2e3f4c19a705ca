import type { TriageReport } from "../agent/report.js";
import { blobUrl, codeBlock, formatDuration, formatTokens, safeText } from "./format.js";

export interface TriageFacts {
  repoFullName: string;
  headSha: string;
  webBaseUrl: string;
  ciName: string; // workflow or check run name
  ciUrl?: string;
  attempt?: number;
  failedJobs: { name: string; failedSteps: string[]; htmlUrl?: string }[];
  tokens: number;
  durationMs: number;
}

const CLASS_LABEL: Record<TriageReport["classification"], string> = {
  code: "code bug",
  test: "test problem",
  flaky: "flaky",
  infrastructure: "infrastructure",
  configuration: "configuration",
  dependency: "dependency",
  unknown: "unknown",
};

function where(facts: TriageFacts): string {
  const jobs = facts.failedJobs
    .slice(0, 5)
    .map((j) => {
      const job = j.htmlUrl ? `[${safeText(j.name)}](${j.htmlUrl})` : safeText(j.name);
      return j.failedSteps.length ? `${job} › ${j.failedSteps.map(safeText).join(", ")}` : job;
    })
    .join("; ");
  const ci = facts.ciUrl ? `[${safeText(facts.ciName)}](${facts.ciUrl})` : safeText(facts.ciName);
  return jobs ? `${ci} › ${jobs}` : ci;
}

export function footer(facts: TriageFacts): string {
  const attempt = facts.attempt && facts.attempt > 1 ? ` (attempt ${facts.attempt})` : "";
  return `<sub>Codex triage of ${facts.headSha.slice(0, 7)}${attempt} · ${formatTokens(facts.tokens)} tokens · ${formatDuration(facts.durationMs)}</sub>`;
}

/** Locations linkable into the commit: only paths that exist in the checkout (the model may invent some). */
export type ExistingPath = (path: string) => boolean;

export function renderTriageMarkdown(report: TriageReport, facts: TriageFacts, exists: ExistingPath): string {
  const lines: string[] = [];
  lines.push(`### Codex triage: ${where(facts)}`, "");
  lines.push(`**${safeText(report.summary)}**`, "");
  lines.push(`**Root cause** · ${CLASS_LABEL[report.classification]} · confidence ${report.confidence}`, "");
  lines.push(safeText(report.root_cause), "");
  if (report.evidence.length) {
    lines.push("**Evidence**", "");
    lines.push(codeBlock(report.evidence.map((e) => safeText(e.log_line)).join("\n")));
    const notes = report.evidence.filter((e) => e.explanation.trim());
    for (const e of notes.slice(0, 5)) lines.push(`- ${safeText(e.explanation)}`);
    lines.push("");
  }
  const located = report.locations.filter((l) => exists(l.path));
  if (located.length) {
    lines.push("**Where**", "");
    for (const l of located) {
      const label = `${l.path}${l.line ? `:${l.line}` : ""}`;
      lines.push(`- [\`${safeText(label)}\`](${blobUrl(facts.webBaseUrl, facts.repoFullName, facts.headSha, l.path, l.line)}) ${safeText(l.message)}`);
    }
    lines.push("");
  }
  if (report.suggested_fix.trim()) lines.push("**Suggested fix**", "", safeText(report.suggested_fix), "");
  return lines.join("\n");
}

export function renderTriageFailure(reason: string, facts: TriageFacts): string {
  return [
    `### Codex triage: ${where(facts)}`,
    "",
    `Codex could not explain this failure: ${safeText(reason)}`,
    "",
    "The logs are unchanged; re-run the job or look at them directly.",
    "",
  ].join("\n");
}

export function renderConfigError(errors: string[], configPath: string): string {
  return [
    `\`${configPath}\` is not valid, so codex-dispatch did nothing on this commit.`,
    "",
    ...errors.map((e) => `- ${safeText(e)}`),
    "",
    "Fix the file on the default branch; the next failure will be triaged with it.",
  ].join("\n");
}

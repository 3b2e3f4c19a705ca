import type { TriageReport } from "../../agent/report.js";
import { cleanText, codeBlock, codeLine, sanitizeLine } from "../../text-safety/inline.js";
import { blobUrl } from "../../text-safety/links.js";
import { sanitizeMarkdown, sanitizeMarkdownLine } from "../../text-safety/markdown.js";
import { formatDuration } from "../steps/format.js";
import { spendLine, type AgentSpend } from "../steps/spend.js";

export interface TriageFacts {
  repoFullName: string;
  headSha: string;
  webBaseUrl: string;
  ciName: string; // workflow or check run name
  ciUrl?: string;
  attempt?: number;
  failedJobs: { name: string; failedSteps: string[]; htmlUrl?: string }[];
  /** Which agent worked, its tokens and their cost (and the budget that stopped it, if one did). */
  spend: AgentSpend;
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

/** The failing workflow › job › step, as links where GitHub gave URLs; every name shown inert. */
export function where(facts: Pick<TriageFacts, "failedJobs" | "ciName" | "ciUrl">): string {
  const jobs = facts.failedJobs
    .slice(0, 5)
    .map((j) => {
      // Job and step names are the repository's own text: shown inert; the URL is GitHub's.
      const job = j.htmlUrl ? `[${sanitizeLine(j.name)}](${j.htmlUrl})` : sanitizeLine(j.name);
      return j.failedSteps.length ? `${job} › ${j.failedSteps.map((s) => sanitizeLine(s)).join(", ")}` : job;
    })
    .join("; ");
  const ci = facts.ciUrl ? `[${sanitizeLine(facts.ciName)}](${facts.ciUrl})` : sanitizeLine(facts.ciName);
  return jobs ? `${ci} › ${jobs}` : ci;
}

export function footer(facts: TriageFacts): string {
  const attempt = facts.attempt && facts.attempt > 1 ? ` (attempt ${facts.attempt})` : "";
  return `<sub>Codex triage of ${facts.headSha.slice(0, 7)}${attempt} · ${spendLine(facts.spend)} · ${formatDuration(facts.durationMs)}</sub>`;
}

/** Locations linkable into the commit: only paths that exist in the checkout (the model may invent some). */
export type ExistingPath = (path: string) => boolean;

export function renderTriageMarkdown(report: TriageReport, facts: TriageFacts, exists: ExistingPath): string {
  const safe = { webBaseUrl: facts.webBaseUrl };
  const lines: string[] = [];
  lines.push(`### Codex triage: ${where(facts)}`, "");
  lines.push(`**${sanitizeMarkdownLine(report.summary, safe)}**`, "");
  lines.push(`**Root cause** · ${CLASS_LABEL[report.classification]} · confidence ${report.confidence}`, "");
  lines.push(sanitizeMarkdown(report.root_cause, safe), "");
  if (report.evidence.length) {
    lines.push("**Evidence**", "");
    lines.push(codeBlock(report.evidence.map((e) => cleanText(e.log_line)).join("\n")));
    const notes = report.evidence.filter((e) => e.explanation.trim());
    for (const e of notes.slice(0, 5)) lines.push(`- ${sanitizeMarkdownLine(e.explanation, safe)}`);
    lines.push("");
  }
  const located = report.locations.filter((l) => exists(l.path));
  if (located.length) {
    lines.push("**Where**", "");
    for (const l of located) {
      const label = `${l.path}${l.line ? `:${l.line}` : ""}`;
      lines.push(
        `- [${codeLine(label)}](${blobUrl(facts.webBaseUrl, facts.repoFullName, facts.headSha, l.path, l.line)}) ${sanitizeMarkdownLine(l.message, safe)}`,
      );
    }
    lines.push("");
  }
  if (report.suggested_fix.trim()) lines.push("**Suggested fix**", "", sanitizeMarkdown(report.suggested_fix, safe), "");
  return lines.join("\n");
}

export function renderTriageFailure(reason: string, facts: TriageFacts): string {
  return [
    `### Codex triage: ${where(facts)}`,
    "",
    `Codex could not explain this failure: ${sanitizeMarkdown(reason, { webBaseUrl: facts.webBaseUrl })}`,
    "",
    "The logs are unchanged; re-run the job or look at them directly.",
    "",
  ].join("\n");
}

export function renderConfigError(errors: string[], configPath: string): string {
  return [
    `\`${configPath}\` is not valid, so codex-dispatch did nothing on this commit.`,
    "",
    ...errors.map((e) => `- ${sanitizeMarkdownLine(e.slice(0, 500), {})}`),
    "",
    "Fix the file on the default branch; the next failure will be triaged with it.",
  ].join("\n");
}

import type { ReviewReport, ReviewVerdict } from "../../agent/review-report.js";
import type { DiffLines } from "./diff-lines.js";
import type { CheckoutFiles } from "../steps/checkout-files.js";
import { codeLine } from "../../text-safety/inline.js";
import { sanitizeMarkdown } from "../../text-safety/markdown.js";
import { formatDuration } from "../steps/format.js";
import { agentName, spendLine, type AgentSpend } from "../steps/spend.js";

export interface ReviewComment {
  path: string;
  line: number;
  body: string;
}

export interface ReviewPlan {
  /** On a line the diff shows: posted as a line comment. */
  inline: ReviewComment[];
  /** On a real file but a line outside the diff, where GitHub would refuse it: shown in the body. */
  outsideDiff: ReviewComment[];
  /** On paths that are not files of the checkout (the model invented them): dropped. */
  dropped: number;
}

// Advice in words: the review itself is always a plain COMMENT, a person approves or blocks.
export const VERDICT_TEXT: Record<ReviewVerdict, string> = {
  comment: "Comments only.",
  request_changes: "Codex suggests changes before this is merged.",
  approve_suggestion: "Codex found nothing that blocks this (a person still decides).",
};

/** Sorts the agent's comments by where GitHub will accept them; every text is made safe to post. */
export function planReviewComments(report: ReviewReport, files: CheckoutFiles, diff: DiffLines, webBaseUrl: string): ReviewPlan {
  const plan: ReviewPlan = { inline: [], outsideDiff: [], dropped: 0 };
  for (const c of report.comments) {
    if (!files.exists(c.path)) {
      plan.dropped += 1;
      continue;
    }
    const comment = { path: c.path, line: c.line, body: sanitizeMarkdown(c.body.trim(), { webBaseUrl }) };
    if (diff.get(c.path)?.has(c.line)) plan.inline.push(comment);
    else plan.outsideDiff.push(comment);
  }
  return plan;
}

export interface ReviewFacts {
  headSha: string;
  baseRef: string;
  /** Which agent reviewed, its tokens and their cost. */
  spend: AgentSpend;
  durationMs: number;
  webBaseUrl: string;
  /** Markdown that opens the review (a second opinion says whose it is and why); absent: "### Codex review". */
  heading?: string;
}

/** The review's body: summary, advice, the comments that could not sit on lines, footer. */
export function renderReviewBody(report: ReviewReport, plan: ReviewPlan, facts: ReviewFacts): string {
  const lines = [
    facts.heading ?? "### Codex review",
    "",
    sanitizeMarkdown(report.summary.trim(), { webBaseUrl: facts.webBaseUrl }),
    "",
    // The advice names the agent that gave it: routing or a second opinion may have asked Claude.
    `**${VERDICT_TEXT[report.verdict].replace(/^Codex/, agentName(facts.spend.agent))}**`,
  ];
  if (plan.outsideDiff.length) {
    lines.push("", "**Comments on lines outside the diff**", "");
    for (const c of plan.outsideDiff) lines.push(`- ${codeLine(`${c.path}:${c.line}`, 300)}: ${c.body.replace(/\n/g, "\n  ")}`);
  }
  if (plan.dropped)
    lines.push(
      "",
      `<sub>${plan.dropped} comment${plan.dropped === 1 ? "" : "s"} on files not in the pull request's checkout left out.</sub>`,
    );
  lines.push(
    "",
    `<sub>Codex review of ${facts.headSha.slice(0, 7)} against ${codeLine(facts.baseRef)} · ${spendLine(facts.spend)} · ${formatDuration(facts.durationMs)} · advice only, a person decides</sub>`,
  );
  return lines.join("\n");
}

import type { ExplainReport } from "../../agent/explain-report.js";
import { fitBody } from "../../github/limits.js";
import type { CheckoutFiles } from "../steps/checkout-files.js";
import { codeLine } from "../../text-safety/inline.js";
import { blobUrl } from "../../text-safety/links.js";
import { sanitizeMarkdown, sanitizeMarkdownLine } from "../../text-safety/markdown.js";
import { formatDuration } from "../steps/format.js";
import { spendLine, type AgentSpend } from "../steps/spend.js";

export interface ExplainFacts {
  webBaseUrl: string;
  repoFullName: string;
  /** The commit the agent read: every link points into it, so links stay right after later pushes. */
  sha: string;
  files: CheckoutFiles;
  /** Which agent answered, its tokens and their cost. */
  spend: AgentSpend;
  durationMs: number;
}

// The answer ends up as the summary of the progress comment, which shows at most 4,000 characters of it
// (commands/progress.ts); cutting here, with the references and footer kept whole, beats losing the tail.
export const EXPLAIN_SUMMARY_LIMIT = 3_900;
const REFERENCES_BUDGET = 1_500;

/** `path:line` links into the commit; null when the path is not a file of the checkout. */
function link(facts: ExplainFacts, p: string, line: number | null): string | null {
  if (!facts.files.exists(p)) return null;
  const at = line !== null && facts.files.hasLine(p, line) ? line : null;
  return blobUrl(facts.webBaseUrl, facts.repoFullName, facts.sha, p, at);
}

/** Inline `` `path:123` `` in the answer becomes a link when the file exists (the sanitizer finds the spans). */
function linkCode(facts: ExplainFacts): (code: string) => string | null {
  return (code) => {
    const m = /^([^`\s]+?):(\d+)$/.exec(code);
    return m ? link(facts, m[1] as string, Number(m[2])) : null;
  };
}

function referenceLines(report: ExplainReport, facts: ExplainFacts): string[] {
  const lines: string[] = [];
  let used = 0;
  let unknown = 0;
  let left = 0;
  for (const ref of report.references) {
    const url = link(facts, ref.path, ref.line);
    if (!url) {
      unknown += 1;
      continue;
    }
    const label = codeLine(`${ref.path}${ref.line ? `:${ref.line}` : ""}`, 300);
    const note = sanitizeMarkdownLine(ref.note, { webBaseUrl: facts.webBaseUrl });
    const row = `- [${label}](${url})${note ? ` ${note}` : ""}`;
    if (used + row.length > REFERENCES_BUDGET) {
      left += 1;
      continue;
    }
    lines.push(row);
    used += row.length + 1;
  }
  if (left) lines.push(`- … ${left} more`);
  if (unknown) lines.push(`<sub>${unknown} reference${unknown === 1 ? "" : "s"} to files not in the checkout left out.</sub>`);
  return lines;
}

/** The answer as the final state of the sticky comment: answer, linked references, footer. */
export function renderExplainAnswer(report: ExplainReport, facts: ExplainFacts): string {
  const answer = sanitizeMarkdown(report.answer.trim(), { webBaseUrl: facts.webBaseUrl, linkCode: linkCode(facts) });
  const refs = referenceLines(report, facts);
  const tail = [
    "",
    ...(refs.length ? ["", "**References**", "", ...refs] : []),
    "",
    `<sub>Codex read ${facts.sha.slice(0, 7)} · ${spendLine(facts.spend)} · ${formatDuration(facts.durationMs)}</sub>`,
  ].join("\n");
  return fitBody(answer, tail, EXPLAIN_SUMMARY_LIMIT);
}

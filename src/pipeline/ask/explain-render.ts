import type { ExplainReport } from "../../agent/explain-report.js";
import { fitBody } from "../../github/limits.js";
import type { CheckoutFiles } from "../steps/checkout-files.js";
import { codeLine } from "../../text-safety/inline.js";
import { blobUrl, commitUrl, isOnHost, issueUrl } from "../../text-safety/links.js";
import { sanitizeMarkdown, sanitizeMarkdownLine } from "../../text-safety/markdown.js";
import { formatDuration } from "../steps/format.js";
import { spendLine, type AgentSpend } from "../steps/spend.js";

export interface ExplainFacts {
  webBaseUrl: string;
  repoFullName: string;
  /** The commit the agent read: every link points into it, so links stay right after later pushes. */
  sha: string;
  files: CheckoutFiles;
  /** Cited sha (lowercase) → full sha, for the commits of the checked-out history only (workspace/history-commits.ts). */
  commits: ReadonlyMap<string, string>;
  /** Which agent answered, its tokens and their cost. */
  spend: AgentSpend;
  durationMs: number;
}

// The answer ends up as the summary of the progress comment, which shows at most 4,000 characters of it
// (commands/progress.ts); cutting here, with the references and footer kept whole, beats losing the tail.
export const EXPLAIN_SUMMARY_LIMIT = 3_900;
const REFERENCES_BUDGET = 1_500;
const COMMITS_BUDGET = 1_000;

/** `path:line` links into the commit; null when the path is not a file of the checkout. */
function link(facts: ExplainFacts, p: string, line: number | null): string | null {
  if (!facts.files.exists(p)) return null;
  const at = line !== null && facts.files.hasLine(p, line) ? line : null;
  return blobUrl(facts.webBaseUrl, facts.repoFullName, facts.sha, p, at);
}

/** A commit link only for a sha git found in the history the agent read, and only ever into this host. */
function commitLink(facts: ExplainFacts, cited: string): string | null {
  const full = facts.commits.get(cited.toLowerCase());
  if (!full) return null;
  const url = commitUrl(facts.webBaseUrl, facts.repoFullName, full);
  return isOnHost(url, facts.webBaseUrl) ? url : null;
}

/**
 * Inline code in the answer becomes a link (the sanitizer finds the spans): `` `path:123` `` when the file
 * exists, `` `abc1234` `` when the commit is in the history, `` `#12` `` to the repository's issue or PR.
 */
function linkCode(facts: ExplainFacts): (code: string) => string | null {
  return (code) => {
    if (/^[0-9a-fA-F]{7,64}$/.test(code)) return commitLink(facts, code);
    const ref = /^#(\d{1,9})$/.exec(code);
    if (ref) return issueUrl(facts.webBaseUrl, facts.repoFullName, Number(ref[1]));
    const m = /^([^`\s]+?):(\d+)$/.exec(code);
    return m ? link(facts, m[1] as string, Number(m[2])) : null;
  };
}

/** The cited commits that are in the history, linked, with their PR; the others are counted, never linked. */
function commitLines(report: ExplainReport, facts: ExplainFacts): string[] {
  const lines: string[] = [];
  let used = 0;
  let unknown = 0;
  let left = 0;
  for (const c of report.commits) {
    const url = commitLink(facts, c.sha);
    if (!url) {
      unknown += 1;
      continue;
    }
    const pr = c.pull_request ? ` ([#${c.pull_request}](${issueUrl(facts.webBaseUrl, facts.repoFullName, c.pull_request)}))` : "";
    const note = sanitizeMarkdownLine(c.note, { webBaseUrl: facts.webBaseUrl });
    const row = `- [${codeLine(c.sha.slice(0, 12).toLowerCase(), 20)}](${url})${pr}${note ? ` ${note}` : ""}`;
    if (used + row.length > COMMITS_BUDGET) {
      left += 1;
      continue;
    }
    lines.push(row);
    used += row.length + 1;
  }
  if (left) lines.push(`- … ${left} more`);
  if (unknown) lines.push(`<sub>${unknown} commit${unknown === 1 ? "" : "s"} not in the checked-out history left out.</sub>`);
  return lines;
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

/** Every sha the answer cites (its commits, and `abc1234` code spans in its text), for the bot to check with git. */
export function citedShas(report: ExplainReport): string[] {
  const inText = [...report.answer.matchAll(/`([0-9a-fA-F]{7,64})`/g)].map((m) => m[1] as string);
  // Bounded: each one is a git call, and an answer is not a commit list.
  return [...new Set([...report.commits.map((c) => c.sha), ...inText].map((s) => s.toLowerCase()))].slice(0, 40);
}

/** The answer as the final state of the sticky comment: answer, linked references, footer. */
export function renderExplainAnswer(report: ExplainReport, facts: ExplainFacts): string {
  const answer = sanitizeMarkdown(report.answer.trim(), { webBaseUrl: facts.webBaseUrl, linkCode: linkCode(facts) });
  const refs = referenceLines(report, facts);
  const commits = commitLines(report, facts);
  const tail = [
    "",
    ...(refs.length ? ["", "**References**", "", ...refs] : []),
    ...(commits.length ? ["", "**Commits**", "", ...commits] : []),
    "",
    `<sub>Codex read ${facts.sha.slice(0, 7)} · ${spendLine(facts.spend)} · ${formatDuration(facts.durationMs)}</sub>`,
  ].join("\n");
  return fitBody(answer, tail, EXPLAIN_SUMMARY_LIMIT);
}

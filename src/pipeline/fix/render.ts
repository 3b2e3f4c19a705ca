import type { FixReport } from "../../agent/fix-report.js";
import type { Change } from "../../workspace/diff.js";
import { cleanText, codeBlock, codeLine } from "../../text-safety/inline.js";
import { sanitizeMarkdown } from "../../text-safety/markdown.js";
import { formatDuration } from "../steps/format.js";
import { agentName, spendLine, type AgentSpend } from "../steps/spend.js";

export interface VerifyOutcome {
  command: string;
  before: { exitCode: number | null; timedOut: boolean; output: string } | null;
  after: { exitCode: number | null; timedOut: boolean; output: string } | null;
  /** The flaky chaser: the command ran `runs` times before and after; before/after above stand for all runs. */
  repeat?: { runs: number; before: { passed: number; ran: number } | null; after: { passed: number; ran: number } | null };
}

/** `17 of 20 runs passed` (and how many did not run when time ran out). */
export function repeatVerdict(count: { passed: number; ran: number } | null, runs: number): string {
  if (!count) return "not run";
  const missing = runs - count.ran;
  return `${count.passed} of ${runs} runs passed${missing > 0 ? ` (${missing} not run: time limit)` : ""}`;
}

export interface FixFacts {
  describe: string;
  closes: number | null;
  changes: Change[];
  commands: { command: string; exitCode: number | null }[];
  verify: VerifyOutcome | null;
  tokens: { input: number; output: number };
  /** Which agent drafted it, its tokens and their cost. */
  spend: AgentSpend;
  durationMs: number;
  origin: object;
  baseSha: string;
  /** The GitHub host: the only one the agent's text may link to. */
  webBaseUrl: string;
}

/** What a verify run did, in words; `passed` only for exit 0 within the time limit. */
export function verdict(r: { exitCode: number | null; timedOut: boolean } | null): string {
  if (!r) return "not run";
  if (r.timedOut) return "timed out";
  return r.exitCode === 0 ? "passed" : `failed (exit ${r.exitCode ?? "?"})`;
}

/** The JSON a reviewing agent reads: the facts the bot checked, not the agent's claims. */
export function handoffBlock(report: FixReport, facts: FixFacts): string {
  const handoff = handoffData(report, facts);
  return `<details><summary>Hand-off for reviewers and agents</summary>\n\n${codeBlock(cleanText(JSON.stringify(handoff, null, 2)), "json")}\n\n</details>`;
}

/** The hand-off as data: the PR body's block, and an MCP task's result (task-result.ts). */
export function handoffData(report: FixReport, facts: FixFacts) {
  return {
    version: 1,
    origin: facts.origin,
    base_sha: facts.baseSha,
    root_cause: report.root_cause,
    files: facts.changes.map((c) => ({ path: c.path, status: c.status, added: c.added, removed: c.removed })),
    // Seen by the bot in codex's events, with their real exit codes; the agent's own account is kept apart.
    commands_run: facts.commands.slice(0, 30),
    agent_claims: report.tests.slice(0, 10).map((t) => ({ command: t.command, outcome: t.outcome })),
    verify: facts.verify
      ? {
          command: facts.verify.command,
          before: verdict(facts.verify.before),
          after: verdict(facts.verify.after),
          ...(facts.verify.repeat
            ? {
                runs: facts.verify.repeat.runs,
                passed_before: facts.verify.repeat.before?.passed ?? null,
                passed_after: facts.verify.repeat.after?.passed ?? null,
              }
            : {}),
        }
      : null,
    confidence: report.confidence,
    agent: facts.spend.agent,
    model: facts.spend.model,
    tokens: { input: facts.tokens.input, output: facts.tokens.output },
    // USD at the operator's prices; null when the model has no price.
    cost_usd: facts.spend.costUsd,
    duration_ms: facts.durationMs,
  };
}
export type Handoff = ReturnType<typeof handoffData>;

export function renderFixPullRequestBody(report: FixReport, facts: FixFacts): string {
  const safe = { webBaseUrl: facts.webBaseUrl };
  const lines: string[] = [];
  lines.push(sanitizeMarkdown(report.summary, safe), "");
  if (facts.closes !== null) lines.push(`Fixes #${facts.closes}`, "");
  else lines.push(`Drafted by ${agentName(facts.spend.agent)} for ${facts.describe}.`, "");
  lines.push("### Root cause", "", sanitizeMarkdown(report.root_cause, safe) || "—", "");
  lines.push("### Changes", "", sanitizeMarkdown(report.changes, safe) || "—", "");
  lines.push("| file | change | + | − |", "| --- | --- | --- | --- |");
  for (const c of facts.changes) lines.push(`| ${codeLine(c.path, 300).replace(/\|/g, "\\|")} | ${c.status} | ${c.added} | ${c.removed} |`);
  lines.push("");
  lines.push("### Checks", "");
  if (facts.verify) {
    const after = facts.verify.after;
    if (after && (after.timedOut || after.exitCode !== 0))
      lines.push(`**${codeLine(facts.verify.command)} still fails after this change: this is not a ready fix.**`, "");
    const repeat = facts.verify.repeat;
    lines.push(
      repeat
        ? `- ${codeLine(facts.verify.command)}, run ${repeat.runs} times: before the change ${repeatVerdict(repeat.before, repeat.runs)}, after it ${repeatVerdict(repeat.after, repeat.runs)}`
        : `- ${codeLine(facts.verify.command)}: before the change ${verdict(facts.verify.before)}, after it ${verdict(facts.verify.after)}`,
    );
  }
  // What was run comes from what the bot saw (codex's command events and its own verify runs), never from the
  // agent's report: a PR once said "Codex ran node --test: passed" when the agent had only run `cat`.
  for (const c of facts.commands.slice(0, 10))
    lines.push(
      `- ${agentName(facts.spend.agent)} ran ${codeLine(c.command)}: ${c.exitCode === null ? "no exit code" : `exit ${c.exitCode}`}`,
    );
  if (facts.commands.length > 10) lines.push(`- … ${facts.commands.length - 10} more commands (in the hand-off block)`);
  if (!facts.verify && facts.commands.length === 0) lines.push("- No checks were run: review the change carefully.");
  if (report.tests.length) {
    lines.push("", `<sub>${agentName(facts.spend.agent)}'s own account of its checks (its claim, not checked by the bot):</sub>`, "");
    for (const t of report.tests.slice(0, 10))
      lines.push(
        `- ${codeLine(t.command)}: ${codeLine(t.outcome, 40)}${t.note ? ` (${sanitizeMarkdown(t.note, safe).replace(/\s*\n\s*/g, " ")})` : ""}`,
      );
  }
  lines.push("");
  if (report.follow_up.trim()) lines.push("### For the reviewer", "", sanitizeMarkdown(report.follow_up, safe), "");
  lines.push(handoffBlock(report, facts), "");
  lines.push(
    `<sub>Drafted by codex-dispatch · confidence ${report.confidence} · ${spendLine(facts.spend)} · ${formatDuration(facts.durationMs)}. The bot checked the diff against the repository's policy; a person decides.</sub>`,
  );
  return lines.join("\n");
}

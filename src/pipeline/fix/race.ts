// A race: both agents attempt the same fix at once, each in its own checkout, and the checks pick the winner.
// Only an attempt whose diff passes the policy and whose verify command does not block it can win; among those,
// the one that turned the verify command from failing to passing, then the smaller diff, then the lower cost.
// The PR carries the winner's change and says what the other attempt did.
import type { FixJob } from "../../jobs/types.js";
import type { RepoConfig } from "../../config/repo-config.js";
import { codeLine } from "../../text-safety/inline.js";
import { agentName, formatCost } from "../steps/spend.js";
import type { FixAttempt } from "./attempt.js";
import { refusalOutcome } from "./diff-check.js";
import { verdict as verifyVerdict, type VerifyOutcome } from "./render.js";
import { blockedByVerify } from "./verify.js";

/** Races run for fixes a person or a triage asked for; a maintenance task or a review round keeps its one agent. */
export function isRace(job: FixJob, config: RepoConfig): boolean {
  if (job.origin.type === "maintenance" || job.origin.type === "review") return false;
  return config.fix.race || (job.origin.type === "command" && job.origin.race === true);
}

export interface RaceEntry {
  attempt: FixAttempt;
  /** Could be pushed: an answer, a diff within the policy, and a verify command that does not block it. */
  eligible: boolean;
  /** In words: why it could not win, or what it did. */
  result: string;
  fixedIt: boolean;
  lines: number;
}

function passed(r: { exitCode: number | null; timedOut: boolean } | null | undefined): boolean {
  return !!r && r.exitCode === 0 && !r.timedOut;
}

export function entryOf(job: FixJob, attempt: FixAttempt, verify: VerifyOutcome | null): RaceEntry {
  const lines = attempt.changes.reduce((n, c) => n + c.added + c.removed, 0);
  const base = { attempt, lines, fixedIt: false };
  if (!attempt.report) return { ...base, eligible: false, result: `no answer (${attempt.failure ?? "unknown"})` };
  if (!attempt.verdict?.ok) return { ...base, eligible: false, result: attempt.verdict ? refusalOutcome(attempt.verdict) : "no diff" };
  const after = attempt.after?.result ?? null;
  if (verify && after && blockedByVerify(job, { ...verify, after }, after))
    return { ...base, eligible: false, result: `${codeLine(verify.command)} ${verifyVerdict(after)} after it` };
  const fixedIt = !!verify && !passed(verify.before) && passed(after);
  return { ...base, eligible: true, fixedIt, result: fixedIt ? "turned the verify command from failing to passing" : "passed the checks" };
}

/** The winner and how it won; null when neither attempt can be pushed. */
export function judgeRace(entries: RaceEntry[]): { winner: RaceEntry | null; loser: RaceEntry | null; margin: string } {
  const cost = (e: RaceEntry) => e.attempt.tokens.costUsd ?? Number.POSITIVE_INFINITY;
  const ranked = [...entries].sort(
    (a, b) => Number(b.eligible) - Number(a.eligible) || Number(b.fixedIt) - Number(a.fixedIt) || a.lines - b.lines || cost(a) - cost(b),
  );
  const [first, second] = ranked;
  if (!first?.eligible) return { winner: null, loser: null, margin: "neither attempt could be pushed" };
  if (!second) return { winner: first, loser: null, margin: "the only attempt" };
  const margin = !second.eligible
    ? `the other attempt could not be pushed (${second.result})`
    : first.fixedIt !== second.fixedIt
      ? "only it turned the verify command from failing to passing"
      : first.lines !== second.lines
        ? `a smaller diff (${first.lines} lines against ${second.lines})`
        : cost(first) !== cost(second)
          ? `a lower cost (${formatCost(first.attempt.tokens.costUsd)} against ${formatCost(second.attempt.tokens.costUsd)})`
          : "a tie, broken in the default agent's favour";
  return { winner: first, loser: second, margin };
}

/** The PR body's account of the race: who won and why, and what the other attempt did. */
export function raceSection(winner: RaceEntry, loser: RaceEntry | null, margin: string): string {
  const lines = [
    "### The race",
    "",
    `${agentName(winner.attempt.spend.agent)} and the other agent both attempted this fix. ${agentName(winner.attempt.spend.agent)}'s change won: ${margin}.`,
  ];
  if (loser) {
    const l = loser.attempt;
    lines.push(
      "",
      `The other attempt (${agentName(l.spend.agent)}): ${loser.result}; ${l.changes.length} file${l.changes.length === 1 ? "" : "s"}, ${loser.lines} changed line${loser.lines === 1 ? "" : "s"}; ${l.tokens.input + l.tokens.output} tokens, ${formatCost(l.tokens.costUsd)}.`,
    );
  }
  return lines.join("\n");
}

import type { AgentBackend } from "../../agent/agent.js";

/** Where a fix starts, where it goes, and what it is about. */
export interface FixTarget {
  /** The commit the worktree is checked out at and the diff is taken against. */
  baseSha: string;
  /** The branch the worktree is: the fix PR's base for a new PR, or the bot's branch itself (a follow-up round). */
  baseRef: string;
  /** The base branch of the pull request the commit lands in (new or existing). */
  prBase: string;
  /** The bot's branch the commit goes to. */
  branch: string;
  /** A follow-up round pushes onto the bot's existing PR instead of opening one. */
  existingPr: number | null;
  /** For commitChanges: the head the bot expects on an existing branch. */
  expectedHead: string | undefined;
  /** Where the bot reports progress and the result. */
  reportOn: number | null;
  task: string;
  context: { label: string; text: string }[];
  /** "Fixes #N" and the like, for the PR body. */
  closes: number | null;
  describe: string;
  /** A review round: the agent that wrote the PR (its hand-off block says), so the round is that agent's. */
  author?: AgentBackend;
}

export type TargetResult = { ok: true; target: FixTarget } | { ok: false; reason: string; reportOn: number | null };

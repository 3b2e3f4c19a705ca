import { createHash } from "node:crypto";

// Idempotency keys. One job per key, ever: a redelivered webhook, a re-sent event and the same failure
// reaching us through several events all map to the same key. A re-run is a new attempt, so a new key.

export function workflowRunTriageKey(repoFullName: string, headSha: string, runId: number, attempt: number): string {
  return `triage:${repoFullName.toLowerCase()}:${headSha}:run-${runId}:attempt-${attempt}`;
}

export function checkRunTriageKey(repoFullName: string, headSha: string, checkRunId: number): string {
  return `triage:${repoFullName.toLowerCase()}:${headSha}:check-${checkRunId}`;
}

/** The serial key of an issue or PR: its jobs run one at a time, in arrival order. */
export function targetKey(repoFullName: string, number: number): string {
  return `${repoFullName.toLowerCase()}#${number}`;
}

/**
 * The serial key of a branch that has no pull request: the jobs that push for it (a draft fix after a failure on
 * it) take turns, as those of an issue or PR do. '@' cannot occur in a repository's name, so it never meets one of
 * targetKey's. A branch with a PR is keyed by the PR (targetKey), so its fixes also take turns with `/codex` there.
 */
export function branchTargetKey(repoFullName: string, branch: string): string {
  return `${repoFullName.toLowerCase()}@${branch}`;
}

/** A comment that may be a `/codex` command (issue comment or line comment of a PR's diff). */
export function commandKey(repoFullName: string, issueNumber: number, commentKind: "issue" | "review", commentId: number): string {
  return `command:${targetKey(repoFullName, issueNumber)}:${commentKind}-${commentId}`;
}

/** `/codex explain` or `/codex review`, one per command comment. */
export function askKey(
  kind: "explain" | "review",
  repoFullName: string,
  issueNumber: number,
  commentKind: "issue" | "review",
  commentId: number,
): string {
  return `${kind}:${targetKey(repoFullName, issueNumber)}:${commentKind}-${commentId}`;
}

/** `/codex plan <goal>`: one plan writing per command comment. */
export function planWriteKey(repoFullName: string, issueNumber: number, commentKind: "issue" | "review", commentId: number): string {
  return `plan-write:${targetKey(repoFullName, issueNumber)}:${commentKind}-${commentId}`;
}

/** The fix a `/codex fix` or `/codex <instruction>` comment asked for. */
export function commandFixKey(repoFullName: string, issueNumber: number, commentKind: "issue" | "review", commentId: number): string {
  return `fix:${targetKey(repoFullName, issueNumber)}:cmd-${commentKind}-${commentId}`;
}

/** A follow-up round for one review of one of the bot's PRs. */
export function reviewFixKey(repoFullName: string, prNumber: number, reviewId: number): string {
  return `fix:${targetKey(repoFullName, prNumber)}:review:${reviewId}`;
}

/** fix.second_opinion's review of one head of one of the bot's PRs: a redelivered push never reviews twice. */
export function secondOpinionKey(repoFullName: string, prNumber: number, headSha: string): string {
  return `second-opinion:${targetKey(repoFullName, prNumber)}:${headSha}`;
}

/** The draft fix after a triage: one per triage key, so a retried triage never drafts twice. */
export function autofixKey(triageKey: string): string {
  return `fix:${triageKey}`;
}

/** `/codex triage` asks again even for a run triaged before: the comment makes it a new key. */
export function commandTriageKey(runTriageKey: string, commentId: number): string {
  return `${runTriageKey}:cmd-${commentId}`;
}

/**
 * A labelled issue's fix. Keyed on what happened (the issue, the label, the moment it was added: labelling
 * bumps the issue's updated_at), never on the X-GitHub-Delivery header, which the signature does not cover: a
 * replayed body with a new delivery id is the same labelling. Labelling again later is a new request.
 */
export function issueLabelFixKey(repoFullName: string, issueNumber: number, label: string, labelledAt: string): string {
  return `fix:${repoFullName.toLowerCase()}#${issueNumber}:label:${label}@${labelledAt}`;
}

/** One run of a maintenance task per schedule period (or per dashboard tick), whichever worker ticks first. */
export function maintenanceRunKey(repoFullName: string, task: string, period: string): string {
  return `fix:${repoFullName.toLowerCase()}:maintenance:${task}@${period}`;
}

/** The serial key of a maintenance task: its runs (scheduled or by hand) take turns on the one living PR. */
export function maintenanceTargetKey(repoFullName: string, task: string): string {
  return `${repoFullName.toLowerCase()}:maintenance/${task}`;
}

/** The hidden marker of a repository's dashboard issue (see src/pipeline/maintenance/dashboard.ts). */
export const DASHBOARD_MARKER = "<!-- codex-dispatch:dashboard -->";

/** On a planner-written plan's approval box (pipeline/plan/markers.ts re-exports it): a writer's tick starts the plan. */
export const PLAN_GO_MARKER = "<!-- codex-dispatch:go -->";

/** The queue (and envelope key) of the once-a-minute maintenance tick. */
export const MAINTENANCE_TICK = "maintenance-tick";

/** The serial key of a repository's dashboard issue: its renders take turns. */
export function dashboardTargetKey(repoFullName: string): string {
  return `${repoFullName.toLowerCase()}:dashboard`;
}

/**
 * A refresh of the dashboard for one state of the repository (config, periods, runs, day): the tick asks every
 * minute, and the key lets a render through only when something it shows has changed.
 */
export function dashboardRefreshKey(repoFullName: string, stateFingerprint: string): string {
  return `dashboard:${repoFullName.toLowerCase()}:state-${stateFingerprint}`;
}

/**
 * An edit of the dashboard issue: keyed on the edit itself (the issue's updated_at and the new body), not on the
 * delivery header, so a redelivered or replayed event is the same job.
 */
export function dashboardEditKey(repoFullName: string, issueNumber: number, updatedAt: string, body: string): string {
  const digest = createHash("sha256").update(body).digest("hex").slice(0, 16);
  return `dashboard:${targetKey(repoFullName, issueNumber)}:edit@${updatedAt}:${digest}`;
}

/**
 * The sticky comment marker for a (PR, failing run): every attempt of one run edits the same comment.
 * Runs and check runs are named so the marker never collides between the two.
 */
export function triageCommentMarker(source: { type: "workflow_run"; runId: number } | { type: "check_run"; name: string }): string {
  // A check run's name is free text (`build--fast` would end the HTML comment early): only its hash goes in.
  const id =
    source.type === "workflow_run" ? `run-${source.runId}` : `check-${createHash("sha256").update(source.name).digest("hex").slice(0, 20)}`;
  return `<!-- codex-dispatch:triage:${id} -->`;
}

/** One judging per completed workflow run (and attempt) of a race candidate's head. */
export function raceJudgeKey(raceKey: string, runId: number, attempt: number): string {
  return `race-judge:${raceKey}:run-${runId}@${attempt}`;
}

// Plan issues (pipeline/plan/). The coordinator's jobs take turns on the plan's own serial key; each item's fix job
// has a serial key of its own (not the issue's, or the items would run one at a time).

/** The serial key of a plan's coordinator jobs. */
export function planTargetKey(repoFullName: string, issueNumber: number): string {
  return `${targetKey(repoFullName, issueNumber)}:plan`;
}

/** The serial key of one item's fix jobs. */
export function planItemTargetKey(repoFullName: string, issueNumber: number, item: number): string {
  return `${targetKey(repoFullName, issueNumber)}:plan-${item}`;
}

/** A plan started by a label (keyed on the labelling, as issueLabelFixKey) or a command comment. */
export function planStartKey(repoFullName: string, issueNumber: number, how: string): string {
  return `plan:${targetKey(repoFullName, issueNumber)}:start:${how}`;
}

/** An edit of a plan issue's body (maybe the approval box ticked): keyed on the edit, as dashboardEditKey. */
export function planEditKey(repoFullName: string, issueNumber: number, updatedAt: string, body: string): string {
  const digest = createHash("sha256").update(body).digest("hex").slice(0, 16);
  return `plan:${targetKey(repoFullName, issueNumber)}:edit@${updatedAt}:${digest}`;
}

/** An item job of one run of a plan started or ended: one coordinator run each, never two. */
export function planItemEventKey(repoFullName: string, issueNumber: number, run: number, item: number, phase: string): string {
  return `plan:${targetKey(repoFullName, issueNumber)}:run-${run}:item-${item}:${phase}`;
}

/** `/codex stop` on a plan issue: the coordinator renders the stopped checklist. */
export function planStopKey(repoFullName: string, issueNumber: number, commentId: number): string {
  return `plan:${targetKey(repoFullName, issueNumber)}:stop-${commentId}`;
}

/** One item's fix job in one run of a plan. */
export function planItemFixKey(repoFullName: string, issueNumber: number, run: number, item: number): string {
  return `fix:${targetKey(repoFullName, issueNumber)}:plan-${item}@${run}`;
}

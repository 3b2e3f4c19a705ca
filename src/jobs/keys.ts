// Idempotency keys. One job per key, ever: a redelivered webhook, a re-sent event and the same failure
// reaching us through several events all map to the same key. A re-run is a new attempt, so a new key.

export function workflowRunTriageKey(repoFullName: string, headSha: string, runId: number, attempt: number): string {
  return `triage:${repoFullName.toLowerCase()}:${headSha}:run-${runId}:attempt-${attempt}`;
}

export function checkRunTriageKey(repoFullName: string, headSha: string, checkRunId: number): string {
  return `triage:${repoFullName.toLowerCase()}:${headSha}:check-${checkRunId}`;
}

/**
 * The sticky comment marker for a (PR, failing run): every attempt of one run edits the same comment.
 * Runs and check runs are named so the marker never collides between the two.
 */
export function triageCommentMarker(source: { type: "workflow_run"; runId: number } | { type: "check_run"; name: string }): string {
  const id = source.type === "workflow_run" ? `run-${source.runId}` : `check-${encodeURIComponent(source.name)}`;
  return `<!-- codex-dispatch:triage:${id} -->`;
}

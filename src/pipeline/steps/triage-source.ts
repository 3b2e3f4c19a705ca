import type { WorkflowRun } from "../../github/workflow-run.js";
import type { TriageSource } from "../../jobs/types.js";

/** A triage job's source for an Actions run found by asking GitHub (`/codex triage`, the MCP `triage_run`). */
export function workflowRunSource(run: WorkflowRun): TriageSource {
  return {
    type: "workflow_run",
    runId: run.id,
    runAttempt: run.runAttempt,
    workflowId: run.workflowId,
    workflowName: run.name ?? "workflow",
    htmlUrl: run.htmlUrl,
    conclusion: run.conclusion ?? "failure",
  };
}

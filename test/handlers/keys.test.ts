import { describe, expect, it } from "vitest";
import { checkRunTriageKey, triageCommentMarker, workflowRunTriageKey } from "../../src/jobs/keys.js";

describe("idempotency keys", () => {
  const sha = "a".repeat(40);

  it("is the same for the same (repository, sha, run, attempt), whatever the case of the name", () => {
    expect(workflowRunTriageKey("Octo/Repo", sha, 12, 1)).toBe(workflowRunTriageKey("octo/repo", sha, 12, 1));
  });

  it("differs for another attempt, run, sha or repository", () => {
    const base = workflowRunTriageKey("o/r", sha, 12, 1);
    expect(
      new Set([
        base,
        workflowRunTriageKey("o/r", sha, 12, 2),
        workflowRunTriageKey("o/r", sha, 13, 1),
        workflowRunTriageKey("o/r", "b".repeat(40), 12, 1),
        workflowRunTriageKey("o/r2", sha, 12, 1),
      ]).size,
    ).toBe(5);
  });

  it("never collides between workflow runs and other CI's check runs", () => {
    expect(checkRunTriageKey("o/r", sha, 12)).not.toBe(workflowRunTriageKey("o/r", sha, 12, 1));
  });

  it("keeps one comment marker per run across attempts, and hides it in HTML", () => {
    expect(triageCommentMarker({ type: "workflow_run", runId: 5 })).toBe("<!-- codex-dispatch:triage:run-5 -->");
    expect(triageCommentMarker({ type: "check_run", name: "ci/circle --> x" })).not.toContain("-->" + " x");
  });
});

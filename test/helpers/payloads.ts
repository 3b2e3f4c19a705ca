import examples from "@octokit/webhooks-examples";

type AnyPayload = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A real payload from @octokit/webhooks-examples, deep-copied so a test can change it. */
export function examplePayload(event: string, pick: (p: AnyPayload) => boolean): AnyPayload {
  const group = (examples as unknown as { name: string; examples: AnyPayload[] }[]).find((e) => e.name === event);
  const found = group?.examples.find(pick);
  if (!found) throw new Error(`no ${event} example matches`);
  return structuredClone(found);
}

/** A failed workflow_run.completed as GitHub sends it to an App (with the installation). */
export function failedWorkflowRunPayload(overrides: { conclusion?: string; attempt?: number } = {}): AnyPayload {
  const p = examplePayload("workflow_run", (x) => x.action === "completed" && x.workflow_run.pull_requests.length > 0);
  p.installation = { id: 77, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNzc=" };
  p.workflow_run.conclusion = overrides.conclusion ?? "failure";
  p.workflow_run.run_attempt = overrides.attempt ?? 1;
  return p;
}

/** A failed check_run.completed from a CI app other than GitHub Actions. */
export function failedCheckRunPayload(appSlug = "circleci-checks"): AnyPayload {
  const p = examplePayload("check_run", (x) => x.action === "completed" && x.check_run.conclusion === "failure");
  p.installation = { id: 77, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNzc=" };
  p.check_run.app = { ...p.check_run.app, id: 9001, slug: appSlug, name: "CircleCI Checks" };
  p.check_run.output = { ...p.check_run.output, title: "2 tests failed", summary: "FAIL test/sum.test.js", text: "expected 5, got -1" };
  return p;
}

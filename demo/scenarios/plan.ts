import { planStartKey } from "../../src/jobs/keys.js";
import { getPlan } from "../../src/jobs/plans.js";
import { createBareRemote, type BareRemote } from "../../src/workspace/bare-remote.js";
import type { Harness } from "../harness.js";
import type { RecordedRequest, ScriptStep } from "../scripted-model.js";
import { DEMO_BUGGY_SUM, DEMO_FILES, DEMO_REPO } from "./ci-failure-fixture.js";
import { demoFixAnswer, DEMO_MAINTAINER, issueFixScript, SUM_FIX_PATCH } from "./issue-fix.js";

// A plan issue: a task list whose items run in parallel, each its own draft PR; `(after 1)` stacks an item on
// item 1's PR. The scripted model answers each item by the task line of its prompt ("Do item N of the plan").

export const PLAN_ISSUE_BODY = [
  "Tidy up the calculator.",
  "",
  "- [ ] Make sum add its arguments",
  "- [ ] Document sum in docs/sum.md",
  "- [ ] Write sum's arguments in order b + a (after 1)",
  "- [ ] Port the calculator to COBOL",
].join("\n");

const DOCS_PATCH = ["*** Begin Patch", "*** Add File: docs/sum.md", "+`sum(a, b)` adds two numbers.", "*** End Patch"].join("\n");
// Applies only on top of item 1's change (its context line is item 1's fix): proof the item is stacked on it.
const ORDER_PATCH = [
  "*** Begin Patch",
  "*** Update File: src/sum.js",
  "@@",
  " export function sum(a, b) {",
  "-  return a + b;",
  "+  return b + a;",
  " }",
  "*** End Patch",
].join("\n");

const answer = (summary: string) => ({ ...demoFixAnswer(), summary });

/** The steps for item `n` of the demo plan: 1, 2 and 3 succeed; 4 fails at the model. */
export function planItemSteps(n: number): ScriptStep[] {
  if (n === 1) return issueFixScript(SUM_FIX_PATCH, answer("Make sum add its arguments"));
  if (n === 2) return issueFixScript(DOCS_PATCH, answer("Document sum"));
  if (n === 3) return issueFixScript(ORDER_PATCH, answer("Write sum as b + a"));
  return [{ kind: "fail", message: "the model cannot write COBOL" }];
}

/** Which plan item a fix prompt is for (the task line says), or null for another prompt. */
export function planItemOf(req: RecordedRequest): number | null {
  const m = /Do item (\d+) of the plan/.exec(JSON.stringify(req.body));
  return m ? Number(m[1]) : null;
}

/** The demo's model: each item by its number. */
export function planScript(req: RecordedRequest): ScriptStep[] {
  return planItemSteps(planItemOf(req) ?? 1);
}

export interface PlanSetup {
  remote: BareRemote;
  repoFullName: string;
  issueNumber: number;
  /** issues.labeled with the plan label, as GitHub sends it. */
  payload: Record<string, unknown>;
  /** The coordinator job the label starts. */
  key: string;
}

export const DEMO_PLAN_CONFIG = 'plan:\n  mention: "@claude review"\n';

/** A repository with the bug on main, a plan issue and the `codex-plan` label being added by a maintainer. */
export async function setupPlan(h: Harness, opts: { repoName?: string; config?: string; body?: string } = {}): Promise<PlanSetup> {
  const remote = await createBareRemote({
    files: { ...DEMO_FILES, "src/sum.js": DEMO_BUGGY_SUM, ".github/codex.yml": opts.config ?? DEMO_PLAN_CONFIG },
  });
  const name = opts.repoName ?? DEMO_REPO.name;
  const repoFullName = `${DEMO_REPO.owner}/${name}`;
  const repository = h.standIn.addRepo({ owner: DEMO_REPO.owner, name, cloneUrl: remote.url, installationId: DEMO_REPO.installationId });
  h.standIn.setPermission(repoFullName, DEMO_MAINTAINER, "write");
  const issue = h.standIn.addIssue(repoFullName, {
    title: "Calculator clean-up",
    body: opts.body ?? PLAN_ISSUE_BODY,
    labels: ["codex-plan"],
    user: DEMO_MAINTAINER,
  });
  const payload = {
    action: "labeled",
    issue,
    label: { id: 2, name: "codex-plan", color: "ededed", default: false },
    repository,
    sender: { login: DEMO_MAINTAINER, id: 9001, type: "User" },
    installation: { id: DEMO_REPO.installationId, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9u" },
  };
  const key = planStartKey(repoFullName, issue.number, `label:codex-plan@${String(issue.updated_at)}`);
  return { remote, repoFullName, issueNumber: issue.number, payload, key };
}

/** Waits until the plan of `issueNumber` is no longer running (done with its summary, or stopped). */
export async function waitForPlan(h: Harness, repoFullName: string, issueNumber: number, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const plan = await getPlan(h.db, repoFullName, issueNumber);
    if (plan && (plan.summaryPosted || plan.state === "stopped")) return;
    if (Date.now() > deadline) throw new Error(`plan #${issueNumber} did not finish in ${timeoutMs} ms (${plan?.state ?? "no plan"})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The issues.edited webhook for a new body of the issue (the stand-in's issue is edited first, as on GitHub). */
export function editIssueBody(h: Harness, setup: PlanSetup, body: string, sender = DEMO_MAINTAINER): Record<string, unknown> {
  const issue = (h.standIn.state.issues as Record<string, unknown>[]).find(
    (i) => i.number === setup.issueNumber && String(i.url).includes(`/repos/${setup.repoFullName}/`),
  )!;
  const previous = String(issue.body ?? "");
  Object.assign(issue, { body, updated_at: new Date(Date.now() + 1000).toISOString() });
  return {
    action: "edited",
    issue: { ...issue },
    changes: { body: { from: previous } },
    repository: (setup.payload as { repository: unknown }).repository,
    sender: { login: sender, id: 9002, type: "User" },
    installation: (setup.payload as { installation: unknown }).installation,
  };
}

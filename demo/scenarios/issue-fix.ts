import { createBareRemote, type BareRemote } from "../../src/workspace/bare-remote.js";
import { issueLabelFixKey } from "../../src/jobs/keys.js";
import type { Harness } from "../harness.js";
import type { ScriptStep } from "../scripted-model.js";
import { DEMO_BUGGY_SUM, DEMO_FILES, DEMO_REPO } from "./ci-failure-fixture.js";

export const DEMO_MAINTAINER = "maintainer-mona";

export const SUM_FIX_PATCH = [
  "*** Begin Patch",
  "*** Update File: src/sum.js",
  "@@",
  " export function sum(a, b) {",
  "-  return a - b;",
  "+  return a + b;",
  " }",
  "*** End Patch",
].join("\n");

export function demoFixAnswer() {
  return {
    summary: "Make sum add its arguments",
    root_cause: "src/sum.js returned `a - b`, so sum(2, 3) was -1 instead of 5.",
    changes: "src/sum.js: return `a + b`.",
    tests: [{ command: "node --test", outcome: "passed", note: "1 test" }],
    confidence: "high",
    follow_up: "",
  };
}

/** The model's side of a fix: read the code, patch it, check, then report in the fix schema. */
export function issueFixScript(patch = SUM_FIX_PATCH, answer: object = demoFixAnswer()): ScriptStep[] {
  return [
    { kind: "exec", cmd: "cat src/sum.js" },
    { kind: "patch", patch },
    { kind: "message", text: JSON.stringify(answer) },
  ];
}

export interface IssueFixSetup {
  remote: BareRemote;
  repoFullName: string;
  issueNumber: number;
  payload: Record<string, unknown>;
  /** The webhook's delivery GUID (the fix job's key does not depend on it). */
  deliveryId: string;
  key: string;
}

export const DEMO_FIX_CONFIG = 'fix:\n  verify_command: node --test\n  reviewers: [maintainer-mona]\n  mention: "@claude review"\n';

/** A repository whose main branch has the bug, an issue that describes it, and the label being added. */
export async function setupIssueFix(
  h: Harness,
  opts: {
    repoName?: string;
    config?: string;
    labeller?: string;
    permission?: "admin" | "write" | "read" | "none";
    files?: Record<string, string>;
    installationId?: number;
  } = {},
): Promise<IssueFixSetup> {
  const config = opts.config ?? DEMO_FIX_CONFIG;
  const remote = await createBareRemote({
    files: { ...DEMO_FILES, "src/sum.js": DEMO_BUGGY_SUM, ".github/codex.yml": config, ...opts.files },
  });
  const name = opts.repoName ?? DEMO_REPO.name;
  const repoFullName = `${DEMO_REPO.owner}/${name}`;
  const installationId = opts.installationId ?? DEMO_REPO.installationId;
  const repository = h.standIn.addRepo({ owner: DEMO_REPO.owner, name, cloneUrl: remote.url, installationId });
  const labeller = opts.labeller ?? DEMO_MAINTAINER;
  h.standIn.setPermission(repoFullName, labeller, opts.permission ?? "write");
  const issue = h.standIn.addIssue(repoFullName, {
    title: "sum(2, 3) returns -1",
    body: "Calling `sum(2, 3)` gives -1; it should add. The test in test/sum.test.js fails on main.",
    labels: ["codex"],
    user: "reporter-ray",
  });
  const payload = {
    action: "labeled",
    issue,
    label: { id: 1, name: "codex", color: "ededed", default: false },
    repository,
    sender: { login: labeller, id: 9001, type: "User" },
    installation: { id: installationId, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9u" },
  };
  const deliveryId = `label-${name}-${issue.number}`;
  return {
    remote,
    repoFullName,
    issueNumber: issue.number,
    payload,
    deliveryId,
    key: issueLabelFixKey(repoFullName, issue.number, "codex", String(issue.updated_at)),
  };
}

import { stat } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../../demo/harness.js";
import { postCommand } from "../../demo/scenarios/command.js";
import { setupIssueFix, type IssueFixSetup } from "../../demo/scenarios/issue-fix.js";
import type { RecordedRequest, ScriptStep } from "../../demo/scripted-model.js";
import { askKey } from "../../src/jobs/keys.js";
import { mirrorPathFor } from "../../src/workspace/layout.js";

// Explain agents read the history through the mirror, so the mirror must be theirs to read and no one else's:
// the pipeline's checkout (withCheckout) gives it its repository's group (0750) and closes the folders above
// to listing (0711). Real webhook, jobs, git and codex under the agents' uids (tests run as root).
let h: Harness;
let a: IssueFixSetup;
let b: IssueFixSetup;
let probe = "";

function script(req: RecordedRequest): ScriptStep[] {
  const prompt = JSON.stringify(req.body);
  if (prompt.includes("[probe]"))
    return [
      { kind: "exec", cmd: probe },
      { kind: "message", text: JSON.stringify({ answer: "probed", references: [], commits: [] }) },
    ];
  return [{ kind: "message", text: JSON.stringify({ answer: "plain", references: [], commits: [] }) }];
}

async function explain(issue: IssueFixSetup, question: string): Promise<void> {
  const command = await postCommand(h, issue, { body: `/codex explain ${question}` });
  await h.deliver("issue_comment", command.payload);
  const record = await h.waitForJob(askKey("explain", issue.repoFullName, issue.issueNumber, "issue", command.commentId), 90_000);
  expect(record).toMatchObject({ status: "succeeded", outcome: "answered" });
}

beforeAll(async () => {
  if (process.getuid?.() !== 0) throw new Error("the isolation tests need root (CI and the container run as root)");
  h = await startHarness({ script });
  a = await setupIssueFix(h, { repoName: "mirror-a" });
  b = await setupIssueFix(h, { repoName: "mirror-b" });
}, 60_000);
afterAll(async () => {
  await a?.remote.cleanup();
  await b?.remote.cleanup();
  await h?.close();
});

describe("explain agents and the mirrors", () => {
  it("[S2.20] an explain agent reading another repository's mirror (git --git-dir) or listing the mirrors → refused; its own history reads", async () => {
    await explain(a, "what is this?");
    const mirrorA = mirrorPathFor(h.env.workspaceDir, a.repoFullName);
    const owner = path.dirname(mirrorA);
    // The checkout left A's mirror to A's group alone, and the folder of mirrors traversable only.
    expect((await stat(mirrorA)).mode & 0o777).toBe(0o750);
    expect((await stat(owner)).mode & 0o777).toBe(0o711);

    probe = [
      `git --git-dir=${mirrorA} log --oneline -1 >/dev/null 2>&1; echo "other=$?"`,
      `ls ${owner} >/dev/null 2>&1; echo "list=$?"`,
      `cat ${mirrorA}/HEAD >/dev/null 2>&1; echo "read=$?"`,
      `git log --oneline -1 >/dev/null 2>&1; echo "own=$?"`,
    ].join("; ");
    await explain(b, "[probe] who can read what?");
    const turn = h.model.requests.find((r) => JSON.stringify(r.body).includes("[probe]") && r.toolOutputs.length === 1);
    const out = turn?.toolOutputs[0] ?? "";
    expect(out).toContain("own=0");
    expect(out).toMatch(/other=[1-9]/);
    expect(out).toMatch(/list=[1-9]/);
    expect(out).toMatch(/read=[1-9]/);
  }, 120_000);
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../../demo/harness.js";
import { postCommand } from "../../demo/scenarios/command.js";
import { demoFixAnswer, issueFixScript, setupIssueFix } from "../../demo/scenarios/issue-fix.js";
import type { RecordedRequest, ScriptStep } from "../../demo/scripted-model.js";

// README promise: one issue, one living fix PR, whatever the trigger. A labelled issue and a later
// `/codex <instruction>` on it land in the same PR (`codex/issue/N`), and its hand-off block follows each round.
type AnyJson = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const DOC_PATCH = ["*** Begin Patch", "*** Add File: docs/sum.md", "+`sum(a, b)` adds.", "*** End Patch"].join("\n");
function byPrompt(req: RecordedRequest): ScriptStep[] {
  if (JSON.stringify(req.body).includes("document sum")) return issueFixScript(DOC_PATCH, { ...demoFixAnswer(), summary: "Document sum" });
  return issueFixScript();
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ script: byPrompt });
}, 60_000);
afterAll(async () => h?.close());

describe("one living fix PR per issue", () => {
  it("the label opens codex/issue/N; a later /codex instruction adds a commit to it and renews its hand-off block", async () => {
    const issue = await setupIssueFix(h, { repoName: "living-pr" });
    await h.deliver("issues", issue.payload, issue.deliveryId);
    const first = await h.waitForJob(issue.key, 90_000);
    expect(first.outcome).toMatch(/^pr-opened #\d+$/);
    const number = Number(/#(\d+)/.exec(first.outcome!)![1]);

    const requestsBefore = h.standIn.requests.length;
    const cmd = await postCommand(h, issue, { body: "/codex also document sum in docs/sum.md" });
    await h.deliver("issue_comment", cmd.payload);
    await h.waitForJob(cmd.key, 60_000);
    const second = await h.waitForJob(`fix:${issue.repoFullName.toLowerCase()}#${issue.issueNumber}:cmd-issue-${cmd.commentId}`, 90_000);
    expect(second.outcome).toBe(`pushed to #${number}`);
    // The command job read .github/codex.yml once; the fix it queued used that copy.
    const configReads = h.standIn.requests.slice(requestsBefore).filter((r) => r.path.includes("codex.yml"));
    expect(configReads).toHaveLength(1);

    const prs = (h.standIn.snapshot().pullRequests as AnyJson[]).filter((p) => String(p.url).includes("/living-pr/"));
    expect(prs).toHaveLength(1);
    expect(prs[0].head.ref).toBe(`codex/issue/${issue.issueNumber}`);
    // The hand-off block was renewed: it shows this round's change, made on top of the PR's head.
    const handoff = JSON.parse(/```json\n([\s\S]*?)\n```/.exec(prs[0].body)![1]);
    expect(handoff.files.map((f: AnyJson) => f.path).sort()).toEqual(["docs/sum.md"]);
    expect(prs[0].title).toBe("Make sum add its arguments");
  });
});

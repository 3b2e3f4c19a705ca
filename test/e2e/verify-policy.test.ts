import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../../demo/harness.js";
import { ciFailureScript, setupCiFailure } from "../../demo/scenarios/ci-failure.js";
import { issueFixScript, setupIssueFix } from "../../demo/scenarios/issue-fix.js";
import type { RecordedRequest, ScriptStep } from "../../demo/scripted-model.js";

// The verify command's policy (README): nothing is pushed unless it passes after the change; a CI fix must
// turn it from failing to passing, so a command that already passes says the failure was not reproduced; what
// the PR says was run comes from what the bot saw, the agent's claims labelled as claims.
type AnyJson = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const NOT_A_FIX = ["*** Begin Patch", "*** Add File: NOTES.md", "+A note.", "*** End Patch"].join("\n");
function byPrompt(req: RecordedRequest): ScriptStep[] {
  const text = JSON.stringify(req.body);
  if (text.includes("You are triaging")) return ciFailureScript();
  if (text.includes("[no-fix]")) return issueFixScript(NOT_A_FIX);
  return issueFixScript();
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ script: byPrompt });
}, 60_000);
afterAll(async () => h?.close());

const prsOf = (name: string) => (h.standIn.snapshot().pullRequests as AnyJson[]).filter((p) => String(p.url).includes(`/${name}/`));
const commentsOf = (name: string) => (h.standIn.snapshot().comments as AnyJson[]).filter((c) => String(c.issue_url).includes(`/${name}/`));

describe("the verify command", () => {
  it("still failing after the change → nothing pushed, and the reply shows how it failed", async () => {
    const issue = await setupIssueFix(h, { repoName: "verify-still-fails" });
    // The scripted model recognises this issue by its title and answers with a change that fixes nothing.
    for (const i of h.standIn.state.issues as AnyJson[])
      if (String(i.url).includes("/verify-still-fails/")) i.title = "sum is wrong [no-fix]";
    await h.deliver("issues", issue.payload, issue.deliveryId);
    const fix = await h.waitForJob(issue.key, 90_000);
    expect(fix.outcome).toBe("verify-failed");
    expect(prsOf("verify-still-fails")).toHaveLength(0);
    expect(commentsOf("verify-still-fails").at(-1)?.body).toMatch(/was not committed: `node --test` failed \(exit 1\) after it/);
    // Who worked and what it spent, on the failure reply too.
    expect(commentsOf("verify-still-fails").at(-1)?.body).toMatch(
      /<sub>Codex \(`gpt-5\.5`; chosen by agent\.backend: codex\) · [\d,]+ tokens · /,
    );
  });

  it("a CI fix whose verify command already passes before the change → not reproduced, no agent run", async () => {
    const ci = await setupCiFailure(h, {
      repoName: "verify-passes",
      config: 'triage:\n  autofix: draft-pr\nfix:\n  verify_command: "true"\n',
    });
    await h.deliver("workflow_run", ci.payload);
    await h.waitForJob(ci.key, 90_000);
    const before = h.model.requests.length;
    const fix = await h.waitForJob(`fix:${ci.key}`, 90_000);
    expect(fix.outcome).toBe("not-reproduced");
    expect(h.model.requests.length).toBe(before);
    expect(commentsOf("verify-passes").some((c) => /could not reproduce the failure/.test(c.body))).toBe(true);
  });

  it("the PR says what the bot saw run; the agent's claims are labelled as claims", async () => {
    const issue = await setupIssueFix(h, { repoName: "verify-claims" });
    await h.deliver("issues", issue.payload, issue.deliveryId);
    const fix = await h.waitForJob(issue.key, 90_000);
    expect(fix.outcome).toMatch(/^pr-opened/);
    const body = prsOf("verify-claims")[0].body as string;
    // The scripted agent only ran `cat src/sum.js`, and claims in its report that it ran `node --test`.
    expect(body).toMatch(/- Codex ran `[^`]*cat src\/sum\.js[^`]*`: exit 0/);
    expect(body).not.toMatch(/- Codex ran `node --test`/);
    expect(body).toMatch(/its claim, not checked by the bot/);
    expect(body).toMatch(/`node --test`: before the change failed \(exit 1\), after it passed/);
    const handoff = JSON.parse(/```json\n([\s\S]*?)\n```/.exec(body)![1]);
    expect(handoff.commands_run.map((c: AnyJson) => c.command).join(" ")).not.toContain("node --test");
    expect(handoff.agent_claims).toEqual([{ command: "node --test", outcome: "passed" }]);
  });
});

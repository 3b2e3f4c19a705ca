// Real pipeline runs for the dashboard's browser test: a triage and an issue fix through the demo harness (real
// webhook, queue, git and codex binary; GitHub and the model are the stand-ins), and a triage the test holds open
// so that its timeline grows while a page watches.
import type { Harness } from "../../demo/harness.js";
import { ciFailureScript, setupCiFailure, type CiFailureSetup } from "../../demo/scenarios/ci-failure.js";
import { demoTriageAnswer } from "../../demo/scenarios/ci-failure-fixture.js";
import { issueFixScript, setupIssueFix, type IssueFixSetup } from "../../demo/scenarios/issue-fix.js";
import type { ScriptStep } from "../../demo/scripted-model.js";
import { markBotPrClosed } from "../../src/jobs/outcomes.js";
import type { JobRecord } from "../../src/jobs/records.js";

export async function runTriage(h: Harness): Promise<{ setup: CiFailureSetup; record: JobRecord }> {
  h.model.setScript(ciFailureScript());
  const setup = await setupCiFailure(h, { repoName: "calculator" });
  await h.deliver("workflow_run", setup.payload);
  return { setup, record: await h.waitForJob(setup.key, 90_000) };
}

export async function runFix(h: Harness): Promise<{ setup: IssueFixSetup; record: JobRecord; prNumber: number }> {
  h.model.setScript(issueFixScript());
  const setup = await setupIssueFix(h, { repoName: "abacus" });
  await h.deliver("issues", setup.payload, setup.deliveryId);
  const record = await h.waitForJob(setup.key, 120_000);
  const pr = /^pr-opened #(\d+)$/.exec(record.outcome ?? "");
  if (!pr) throw new Error(`the fix did not open a PR: ${record.status} ${record.outcome} ${record.error}`);
  return { setup, record, prNumber: Number(pr[1]) };
}

/** A maintainer merges the bot's PR: what the pull_request.closed handler records (the fix recorded the PR). */
export async function recordMerged(h: Harness, repo: string, prNumber: number): Promise<void> {
  const now = new Date().toISOString();
  const known = await markBotPrClosed(h.db, {
    repo,
    number: prNumber,
    merged: true,
    closedAt: now,
    mergedAt: now,
    mergeSha: "a".repeat(40),
  });
  if (!known) throw new Error(`the fix's PR #${prNumber} was not recorded as the bot's`);
}

/**
 * A triage whose model keeps asking for one more command (`echo tick N`) until released, then answers: the job
 * stays running, and each command is a new timeline row.
 */
export async function startHeldTriage(h: Harness): Promise<{ setup: CiFailureSetup; release(): void }> {
  let released = false;
  h.model.setScript((req) => {
    const n = req.toolOutputs.length;
    const answer: ScriptStep = { kind: "message", text: JSON.stringify(demoTriageAnswer()) };
    return Array.from({ length: n + 1 }, (_, i): ScriptStep =>
      i === n && released ? answer : { kind: "exec", cmd: `sleep 0.4; echo tick ${i}` },
    );
  });
  const setup = await setupCiFailure(h, { repoName: "slide-rule" });
  await h.deliver("workflow_run", setup.payload);
  return { setup, release: () => (released = true) };
}

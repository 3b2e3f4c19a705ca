import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../../demo/harness.js";
import { postCommand } from "../../demo/scenarios/command.js";
import { editIssueBody, planItemOf, planItemSteps, setupPlan, waitForPlan, type PlanSetup } from "../../demo/scenarios/plan.js";
import type { RecordedRequest, ScriptStep } from "../../demo/scripted-model.js";
import { cancelJob } from "../../src/jobs/cancel.js";
import { planEditKey, planItemFixKey } from "../../src/jobs/keys.js";
import { listPlanItems } from "../../src/jobs/plans.js";
import { getJobRecord } from "../../src/jobs/records.js";

// Steering a running plan: `/codex stop`, and editing the list while it runs. Item 1 of each plan hangs at the
// model, so it is "running" for as long as the test needs.
type AnyJson = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
let h: Harness;
const cleanups: (() => Promise<void>)[] = [];
const script = (req: RecordedRequest): ScriptStep[] => {
  const n = planItemOf(req) ?? 1;
  // Item 1 hangs (but in the cap test); the other items write the docs.
  return n === 1 && !JSON.stringify(req.body).includes("plan-cap") ? [{ kind: "hang" }] : planItemSteps(2);
};

beforeAll(async () => {
  h = await startHarness({ script });
}, 60_000);
afterAll(async () => {
  for (const c of cleanups) await c();
  await h?.close();
});

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | null | false>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not in time`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const comments = (s: PlanSetup) =>
  (h.standIn.snapshot().comments as AnyJson[]).filter((c) =>
    String(c.issue_url).endsWith(`/repos/${s.repoFullName}/issues/${s.issueNumber}`),
  );
const checklist = (s: PlanSetup) => String(comments(s).find((c) => String(c.body).includes("codex-dispatch:plan-checklist"))?.body ?? "");
const key = (s: PlanSetup, n: number) => planItemFixKey(s.repoFullName, s.issueNumber, 1, n);
const requestsFor = (s: PlanSetup, n: number) =>
  h.model.requests.filter((r) => planItemOf(r) === n && JSON.stringify(r.body).includes(s.repoFullName));

async function startRunning(repoName: string): Promise<PlanSetup> {
  const s = await setupPlan(h, {
    repoName,
    config: "plan:\n  max_parallel: 1\n",
    body: "- [ ] Make sum add its arguments\n- [ ] Document sum in docs/sum.md",
  });
  cleanups.push(() => s.remote.cleanup());
  await h.deliver("issues", s.payload);
  await waitFor("item 1 running", async () => (await getJobRecord(h.db, key(s, 1)))?.status === "running" && requestsFor(s, 1).length > 0);
  return s;
}

describe("/codex stop on a running plan", () => {
  it("cancels the running item, never starts the queued one, and the checklist says stopped; no summary", async () => {
    const s = await startRunning("plan-stop");
    const status = await postCommand(h, s, { body: "/codex status" });
    await h.deliver("issue_comment", status.payload);
    await h.waitForJob(status.key);
    expect(
      comments(s)
        .map((c) => String(c.body))
        .join("\n"),
    ).toMatch(/Plan: running \(start 1\); items: 1 (running|queued), 1 pending/);
    const stop = await postCommand(h, s, { body: "/codex stop" });
    await h.deliver("issue_comment", stop.payload);
    const record = await h.waitForJob(stop.key);
    expect(record.outcome).toBe("stopped plan, 1");
    await waitForPlan(h, s.repoFullName, s.issueNumber);
    await waitFor("item 1 cancelled", async () => (await getJobRecord(h.db, key(s, 1)))?.status === "cancelled");
    await waitFor("checklist stopped", async () => /\| 1 \| .* \| ⏹️ stopped/.test(checklist(s)) && checklist(s).includes("Plan stopped"));
    expect(checklist(s)).toMatch(/\| 2 \| .* \| ⏹️ stopped/);
    // Item 2 never got a job, never reached the model, and no PR exists; nothing claims success.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await getJobRecord(h.db, key(s, 2))).toBeNull();
    expect(requestsFor(s, 2)).toHaveLength(0);
    expect((h.standIn.snapshot().pullRequests as AnyJson[]).filter((p) => String(p.url).includes(s.repoFullName))).toHaveLength(0);
    expect(comments(s).some((c) => String(c.body).includes("codex-dispatch:plan-summary"))).toBe(false);
    expect((await listPlanItems(h.db, s.repoFullName, s.issueNumber)).map((i) => i.status)).toEqual(["stopped", "stopped"]);
  }, 120_000);
});

describe("editing the list of a running plan", () => {
  it("runs an added item and drops an item that had not started", async () => {
    const s = await startRunning("plan-edit");
    const body = "- [ ] Make sum add its arguments\n- [ ] Describe sum in docs/sum.md for newcomers";
    const edit = editIssueBody(h, s, body);
    await h.deliver("issues", edit);
    const issue = edit.issue as { updated_at: string };
    await h.waitForJob(planEditKey(s.repoFullName, s.issueNumber, issue.updated_at, body));
    expect(checklist(s)).toMatch(/\| 2 \| Document sum .* \| ➖ dropped/);
    expect(checklist(s)).toMatch(/\| 3 \| Describe sum .* \| 🕓 queued/);
    // Item 1 ends (cancelled by hand, not by /codex stop): its slot goes to the added item, which runs.
    await cancelJob(h.db, key(s, 1), "test: end item 1");
    await waitForPlan(h, s.repoFullName, s.issueNumber);
    expect((await listPlanItems(h.db, s.repoFullName, s.issueNumber)).map((i) => [i.n, i.status])).toEqual([
      [1, "stopped"],
      [2, "dropped"],
      [3, "pr"],
    ]);
    expect(await getJobRecord(h.db, key(s, 2))).toBeNull();
    expect(requestsFor(s, 2)).toHaveLength(0);
    const prs = (h.standIn.snapshot().pullRequests as AnyJson[]).filter((p) => String(p.url).includes(s.repoFullName));
    expect(prs.map((p) => p.head.ref)).toEqual([`codex/plan/${s.issueNumber}-3`]);
  }, 120_000);
});

describe("fix.max_open_prs still holds per item", () => {
  it("an item past the cap fails with that reason; the items before it keep their PRs", async () => {
    const s = await setupPlan(h, {
      repoName: "plan-cap",
      config: "fix:\n  max_open_prs: 1\nplan:\n  max_parallel: 1\n",
      body: "- [ ] Document sum in docs/sum.md\n- [ ] Document sum again",
    });
    cleanups.push(() => s.remote.cleanup());
    await h.deliver("issues", s.payload);
    await waitForPlan(h, s.repoFullName, s.issueNumber);
    const items = await listPlanItems(h.db, s.repoFullName, s.issueNumber);
    expect(items.map((i) => i.status)).toEqual(["pr", "failed"]);
    expect(items[1].reason).toContain("fix.max_open_prs");
    expect(checklist(s)).toMatch(
      /\| 2 \| .* \| ❌ failed: Codex did not open another pull request.*1 of the bot's pull requests are open, the most .*fix.max.*allows/,
    );
  }, 120_000);
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../../demo/harness.js";
import { setupCiFailure } from "../../demo/scenarios/ci-failure.js";
import { postCommand } from "../../demo/scenarios/command.js";
import { DEMO_MAINTAINER, setupIssueFix, type IssueFixSetup } from "../../demo/scenarios/issue-fix.js";
import { bash, structured, type RecordedMessagesRequest } from "../../demo/scripted-messages.js";
import type { RecordedRequest, ScriptStep } from "../../demo/scripted-model.js";
import { planWriteKey } from "../../src/jobs/keys.js";
import { listJobRecords, type JobRecord } from "../../src/jobs/records.js";
import { GO_MARKER, PLAN_SECTION_END, PLAN_SECTION_START } from "../../src/pipeline/plan/markers.js";
import { planItemOf, planItemSteps, waitForPlan } from "../../demo/scenarios/plan.js";
import { listPlanItems } from "../../src/jobs/plans.js";
import { CLAUDE_TEST_MODEL } from "../helpers/claude.js";

// `/codex plan <goal>` end to end: the signed comment webhook, the command job, the plan-write job on the real
// queue, a real checkout and the real codex (or claude) binary in a read-only sandbox against a scripted model;
// GitHub is the stand-in. The plan lands in the issue body; nothing else is queued.
type AnyJson = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const PLAN = {
  items: [
    { title: "Make sum add", rationale: "src/sum.js subtracts, so sum(2, 3) is -1", after: [] },
    { title: "Test negative numbers", rationale: "The fix should hold for them too", after: [1] },
    { title: "Document sum in the README", rationale: "Nobody knows it exists", after: [] },
  ],
};
const EXPECTED_LINES = [
  PLAN_SECTION_START,
  "### Plan for: make sum correct GOAL\\-OK",
  "- [ ] Make sum add — src/sum.js subtracts, so sum\\(2, 3\\) is \\-1",
  "- [ ] Test negative numbers — The fix should hold for them too (after 1)",
  "- [ ] Document sum in the README — Nobody knows it exists",
  `- [ ] Run this plan ${GO_MARKER}`,
  PLAN_SECTION_END,
];

const codexScript = (req: RecordedRequest): ScriptStep[] => {
  const prompt = JSON.stringify(req.body);
  // After `/codex go`, the items of the written plan are fix runs (the plan demo's steps by item number).
  const item = planItemOf(req);
  if (item !== null) return planItemSteps(item === 1 ? 1 : 2);
  const say = (answer: object): ScriptStep[] => [
    { kind: "exec", cmd: "cat src/sum.js" },
    { kind: "message", text: JSON.stringify(answer) },
  ];
  if (prompt.includes("GOAL-FORWARD")) return say({ items: [{ ...PLAN.items[0], after: [2] }, PLAN.items[1]] });
  if (prompt.includes("GOAL-EMPTY")) return say({ items: [] });
  if (prompt.includes("GOAL-PROSE")) return [{ kind: "message", text: "Here is my plan: first fix sum, then test it." }];
  return say(PLAN);
};
const claudeScript = (req: RecordedMessagesRequest) =>
  JSON.stringify(req.body).includes("GOAL-CLAUDE") ? [bash("cat src/sum.js"), structured(PLAN)] : [structured({ items: [] })];

let h: Harness;
const cleanups: (() => Promise<void>)[] = [];
let counter = 0;

beforeAll(async () => {
  h = await startHarness({ script: codexScript, claudeScript, env: { CLAUDE_MODEL: CLAUDE_TEST_MODEL } });
}, 60_000);
afterAll(async () => {
  for (const c of cleanups) await c();
  await h?.close();
});

const CODEX_PLANNER = "plan:\n  planner: codex\n  max_items: 3\n";

async function newIssue(config = CODEX_PLANNER): Promise<IssueFixSetup & { issue: AnyJson }> {
  const setup = await setupIssueFix(h, { repoName: `plan-${++counter}`, config });
  cleanups.push(() => setup.remote.cleanup());
  const issue = (h.standIn.state.issues as AnyJson[]).find(
    (i) => i.number === setup.issueNumber && String(i.url).includes(`/repos/${setup.repoFullName}/`),
  )!;
  return { ...setup, issue };
}

/** Posts `body` as `user`, runs the command job and, when one was queued, the plan-write job. */
async function plan(issue: IssueFixSetup, body: string, user = DEMO_MAINTAINER) {
  const c = await postCommand(h, issue, { body, user });
  await h.deliver("issue_comment", c.payload);
  const command = await h.waitForJob(c.key, 60_000);
  const key = planWriteKey(issue.repoFullName, issue.issueNumber, "issue", c.commentId);
  const job = command.outcome === "queued plan-write" ? await h.waitForJob(key, 120_000) : null;
  return { command, job, commentId: c.commentId };
}

const botComments = (issue: IssueFixSetup): AnyJson[] =>
  (h.standIn.snapshot().comments as AnyJson[]).filter(
    (c) => c.user?.type === "Bot" && String(c.issue_url).endsWith(`/repos/${issue.repoFullName}/issues/${issue.issueNumber}`),
  );
const jobsOf = async (issue: IssueFixSetup): Promise<JobRecord[]> =>
  (await listJobRecords(h.db, { limit: 1000 })).filter((r) => r.repo.toLowerCase() === issue.repoFullName.toLowerCase());

describe("/codex plan <goal>", () => {
  it("Codex writes the checklist into the issue body after the person's text; the comment says it awaits approval; nothing else is queued", async () => {
    const issue = await newIssue();
    const original =
      "<!-- Describe the bug: the template's hint -->\nCalling `sum(2, 3)` gives -1.\r\n\r\nSteps:\n- [ ] a person's own box\n";
    issue.issue.body = original;
    const before = h.model.requests.length;
    const { job } = await plan(issue, "/codex plan make sum correct GOAL-OK");
    expect(job?.outcome).toBe("plan written");
    expect(job?.tokens?.input).toBeGreaterThan(0);

    expect(issue.issue.body).toBe(`${original}\n${EXPECTED_LINES.join("\n")}\n`);
    // The planner read the repository read-only, with the goal and the issue fenced as data.
    const prompt = JSON.stringify(h.model.requests[before].body);
    expect(prompt).toContain("This is read-only");
    expect(prompt).toContain("Goal (untrusted data");

    const comments = botComments(issue);
    expect(comments).toHaveLength(1);
    const text = String(comments[0].body);
    expect(text).toContain("Plan written into the issue: 3 items.");
    expect(text).toContain("The plan awaits approval: nothing runs until a writer comments `/codex go` or ticks **Run this plan**");
    expect(text).toMatch(/Codex \(`gpt-5\.5`; chosen by plan\.planner: codex\) · [\d,]+ tokens/);

    const kinds = (await jobsOf(issue)).map((r) => r.kind).sort();
    expect(kinds).toEqual(["command", "plan-write"]);
  }, 180_000);

  it("a second /codex plan replaces the section (its ticked box too) and says so; the text around it stays", async () => {
    const issue = await newIssue();
    await plan(issue, "/codex plan make sum correct GOAL-OK");
    // A writer ticked the approval box of the first plan: the new section comes unticked, and the comment says so.
    issue.issue.body = `${String(issue.issue.body).replace("- [ ] Run this plan", "- [x] Run this plan")}\nA line the person added later.\n`;
    const prefix = String(issue.issue.body).split(PLAN_SECTION_START)[0];
    const { job } = await plan(issue, "/codex plan make sum correct GOAL-OK");
    expect(job?.outcome).toBe("plan replaced");
    expect(issue.issue.body).toBe(`${prefix}${EXPECTED_LINES.join("\n")}\n\nA line the person added later.\n`);
    expect(String(botComments(issue).at(-1)?.body)).toContain("3 items, replacing the plan that was there (it had 1 ticked box:");
  }, 180_000);

  it("Claude plans when plan.planner is auto and the operator configured Claude", async () => {
    const issue = await newIssue("plan:\n  planner: auto\n");
    const claudeBefore = h.claude!.requests.length;
    const codexBefore = h.model.requests.length;
    const { job } = await plan(issue, "/codex plan make sum correct GOAL-CLAUDE");
    expect(job?.outcome).toBe("plan written");
    expect(h.claude!.requests.length).toBeGreaterThan(claudeBefore);
    expect(h.model.requests.length).toBe(codexBefore);
    expect(issue.issue.body).toContain("- [ ] Test negative numbers — The fix should hold for them too (after 1)\n");
    expect(String(botComments(issue)[0].body)).toContain("Claude (`claude-sonnet-5`; chosen by plan.planner: auto, Claude is configured)");
  }, 180_000);
});

describe("a plan that is not usable leaves the body alone", () => {
  for (const [goal, reason] of [
    ["GOAL-FORWARD", "item 1 waits for item 2, which comes later"],
    ["GOAL-EMPTY", "the plan has no items"],
    ["GOAL-PROSE", "answer was not JSON"],
  ] as const) {
    it(`${goal}: a failure comment naming the problem, the body untouched`, async () => {
      const issue = await newIssue();
      const original = String(issue.issue.body);
      const { job } = await plan(issue, `/codex plan ${goal}`);
      expect(job?.outcome).toBe("agent-failed: invalid plan");
      expect(issue.issue.body).toBe(original);
      const text = String(botComments(issue)[0].body);
      expect(text).toContain("could not write a plan");
      expect(text).toContain(reason);
    }, 180_000);
  }

  it("more items than plan.max_items: refused, not truncated", async () => {
    const issue = await newIssue("plan:\n  planner: codex\n  max_items: 2\n");
    const original = String(issue.issue.body);
    const { job } = await plan(issue, "/codex plan GOAL-OK");
    expect(job?.outcome).toBe("agent-failed: invalid plan");
    expect(issue.issue.body).toBe(original);
    expect(String(botComments(issue)[0].body)).toContain("more than 2 items (plan.max_items)");
  }, 180_000);

  it("a bare /codex plan goes to the plan runner: no planner run, no plan-write job", async () => {
    const issue = await newIssue();
    const before = h.model.requests.length;
    const { command, job } = await plan(issue, "/codex plan");
    expect(job).toBeNull();
    expect(command.outcome).toBe("queued plan");
    expect(h.model.requests.length).toBe(before);
    expect((await jobsOf(issue)).map((r) => r.kind)).not.toContain("plan-write");
    expect((await jobsOf(issue)).map((r) => r.kind)).toContain("plan");
  }, 60_000);

  it("on a pull request: refused at once, nothing queued", async () => {
    const ci = await setupCiFailure(h, { repoName: `plan-pr-${++counter}`, config: CODEX_PLANNER });
    cleanups.push(() => ci.remote.cleanup());
    h.standIn.setPermission(ci.repoFullName, DEMO_MAINTAINER, "write");
    const target = { repoFullName: ci.repoFullName, issueNumber: ci.prNumber, payload: ci.payload };
    const before = h.model.requests.length;
    const { command, job } = await plan(target as IssueFixSetup, "/codex plan split this PR");
    expect(command.outcome).toBe("refused: plan on a pull request");
    expect(job).toBeNull();
    expect(h.model.requests.length).toBe(before);
    expect(String(botComments(target as IssueFixSetup)[0]?.body)).toContain("`plan` writes a plan into an issue");
  }, 60_000);
});

describe("the architect's whole loop", () => {
  it("the planner writes the plan, nothing runs; a writer's /codex go runs its items, (after 1) stacked on item 1", async () => {
    const issue = await newIssue(`${CODEX_PLANNER}  max_parallel: 2\n`);
    const { job } = await plan(issue, "/codex plan make sum correct GOAL-OK");
    expect(job?.outcome).toBe("plan written");
    expect(await listPlanItems(h.db, issue.repoFullName, issue.issueNumber)).toEqual([]);

    await plan(issue, "/codex go");
    await waitForPlan(h, issue.repoFullName, issue.issueNumber, 150_000);
    const items = await listPlanItems(h.db, issue.repoFullName, issue.issueNumber);
    // The runner read the planner's escaped lines back as the items it wrote, with the dependency it declared.
    expect(items.map((i) => [i.n, i.status, i.after])).toEqual([
      [1, "pr", []],
      [2, "pr", [1]],
      [3, "pr", []],
    ]);
    expect(items[0].text).toContain("Make sum add");
    const prs = (h.standIn.snapshot().pullRequests as AnyJson[]).filter((p) => String(p.url).includes(`/repos/${issue.repoFullName}/`));
    const second = prs.find((p) => p.head.ref === `codex/plan/${issue.issueNumber}-2`);
    expect(second?.base.ref).toBe(`codex/plan/${issue.issueNumber}-1`);
    expect(prs).toHaveLength(3);
  }, 240_000);
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../../demo/harness.js";
import { ciFailureScript, setupCiFailure } from "../../demo/scenarios/ci-failure.js";
import { DEMO_MAINTAINER, demoFixAnswer, issueFixScript, setupIssueFix, type IssueFixSetup } from "../../demo/scenarios/issue-fix.js";
import type { RecordedRequest, ScriptStep } from "../../demo/scripted-model.js";
import { runGit } from "../../src/workspace/git.js";

type AnyJson = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
let h: Harness;
const cleanups: (() => Promise<void>)[] = [];
let counter = 0;

const COMMENT_PATCH = [
  "*** Begin Patch",
  "*** Update File: src/sum.js",
  "@@",
  "-export function sum(a, b) {",
  "+// Adds two numbers.",
  "+export function sum(a, b) {",
  "*** End Patch",
].join("\n");
const round2: ScriptStep[] = [
  { kind: "patch", patch: COMMENT_PATCH },
  { kind: "message", text: JSON.stringify({ ...demoFixAnswer(), summary: "Document sum" }) },
];
// One model for every job: the prompt says which job is asking.
const byPrompt = (req: RecordedRequest): ScriptStep[] => {
  const prompt = JSON.stringify(req.body);
  if (prompt.includes("You are triaging")) return ciFailureScript();
  if (prompt.includes("review feedback")) return round2;
  return issueFixScript();
};

beforeAll(async () => {
  h = await startHarness({ script: byPrompt });
}, 60_000);
afterAll(async () => {
  for (const c of cleanups) await c();
  await h?.close();
});

async function openFixPr(config?: string): Promise<{ setup: IssueFixSetup; pr: AnyJson }> {
  const setup = await setupIssueFix(h, { repoName: `follow-${++counter}`, config });
  cleanups.push(() => setup.remote.cleanup());
  await h.deliver("issues", setup.payload, setup.deliveryId);
  const record = await h.waitForJob(setup.key, 90_000);
  expect(record.outcome).toMatch(/^pr-opened/);
  const pr = (h.standIn.snapshot().pullRequests as AnyJson[]).find((p) => String(p.url).includes(setup.repoFullName))!;
  return { setup, pr };
}

async function review(setup: IssueFixSetup, pr: AnyJson, user = DEMO_MAINTAINER, senderType = "User") {
  const r = h.standIn.addReview(setup.repoFullName, pr.number, {
    user,
    state: "CHANGES_REQUESTED",
    body: "Looks right; please document the function.",
    comments: [{ path: "src/sum.js", line: 1, body: "A one-line comment above this, please." }],
  });
  const fresh = (h.standIn.snapshot().pullRequests as AnyJson[]).find(
    (p) => p.number === pr.number && String(p.url).includes(setup.repoFullName),
  )!;
  const payload = {
    action: "submitted",
    review: { ...r, state: "changes_requested" },
    pull_request: fresh,
    repository: fresh.base.repo,
    sender: { login: user, id: 1, type: senderType },
    installation: { id: 4101 },
  };
  await h.deliver("pull_request_review", payload);
  const key = `fix:${setup.repoFullName.toLowerCase()}#${pr.number}:review:${r.id}`;
  return h.waitForJob(key, 90_000);
}

describe("review feedback on the bot's PR", () => {
  it("starts a follow-up round that adds a commit to the same branch, with no second PR", async () => {
    const { setup, pr } = await openFixPr();
    const record = await review(setup, pr);
    expect(record).toMatchObject({ status: "succeeded", outcome: `pushed to #${pr.number}` });
    const branch = pr.head.ref as string;
    const log = await runGit(["log", "--format=%s", `main..${branch}`], { cwd: setup.remote.url });
    expect(log.trim().split("\n")).toEqual(["Document sum", "Make sum add its arguments"]);
    expect(await runGit(["show", `${branch}:src/sum.js`], { cwd: setup.remote.url })).toContain("// Adds two numbers.");
    expect((h.standIn.snapshot().pullRequests as AnyJson[]).filter((p) => String(p.url).includes(setup.repoFullName))).toHaveLength(1);
    // The line comment reached the agent, fenced as data.
    const prompt = JSON.stringify(h.model.requests.find((q) => JSON.stringify(q.body).includes("review feedback"))?.body);
    expect(prompt).toContain("src/sum.js:1: A one-line comment above this, please.");
  });

  it("stops after the configured number of rounds and says so", async () => {
    const { setup, pr } = await openFixPr("fix:\n  max_review_rounds: 1\n");
    expect((await review(setup, pr)).outcome).toMatch(/^pushed/);
    const second = await review(setup, pr);
    expect(second.outcome).toBe("review-rounds-spent");
    const onPr = (h.standIn.snapshot().comments as AnyJson[]).filter((c) =>
      String(c.issue_url).endsWith(`${setup.repoFullName}/issues/${pr.number}`),
    );
    expect(onPr.map((c) => c.body).join("\n")).toContain("Codex stops here");
  });

  it("never overwrites a person's commit on the bot's branch", async () => {
    const { setup, pr } = await openFixPr();
    const branch = pr.head.ref as string;
    const human = await setup.remote.commit({ "NOTES.md": "by hand\n" }, "A person's commit", `refs/heads/${branch}`);
    const record = await review(setup, pr);
    expect(record.outcome).toBe("branch-moved");
    expect((await runGit(["rev-parse", branch], { cwd: setup.remote.url })).trim()).toBe(human);
    const comments = (h.standIn.snapshot().comments as AnyJson[]).filter((c) => String(c.issue_url).includes(setup.repoFullName));
    expect(comments.map((c) => c.body).join("\n")).toContain("someone else pushed");
  });

  it("a review by a bot listed in fix.review_bots starts a round like a person's; an unlisted bot's is ignored, silently", async () => {
    const { setup, pr } = await openFixPr("fix:\n  review_bots: ['claude[bot]']\n");
    const unlisted = await review(setup, pr, "coderabbit[bot]", "Bot");
    expect(unlisted.outcome).toBe("skipped: a bot not in fix.review_bots");
    const listed = await review(setup, pr, "claude[bot]", "Bot");
    expect(listed.outcome).toBe(`pushed to #${pr.number}`);
    const log = await runGit(["log", "--format=%s", `main..${pr.head.ref}`], { cwd: setup.remote.url });
    expect(log.trim().split("\n")).toEqual(["Document sum", "Make sum add its arguments"]);
    const said = (h.standIn.snapshot().comments as AnyJson[]).filter((c) =>
      String(c.issue_url).endsWith(`${setup.repoFullName}/issues/${pr.number}`),
    );
    expect(said.map((c) => String(c.body)).join("\n")).not.toContain("coderabbit");
  });

  it("ignores reviews from people without write permission", async () => {
    const { setup, pr } = await openFixPr();
    h.standIn.setPermission(setup.repoFullName, "outsider-olga", "read");
    const record = await review(setup, pr, "outsider-olga");
    expect(record.outcome).toContain("refused");
    const log = await runGit(["log", "--format=%s", `main..${pr.head.ref}`], { cwd: setup.remote.url });
    expect(log.trim().split("\n")).toHaveLength(1);
  });
});

describe("triage.autofix: draft-pr", () => {
  it("turns a fixable triage into a draft PR against the PR's branch", async () => {
    const setup = await setupCiFailure(h, { repoName: `follow-${++counter}`, config: "triage:\n  autofix: draft-pr\n" });
    cleanups.push(() => setup.remote.cleanup());
    await h.deliver("workflow_run", setup.payload);
    const triage = await h.waitForJob(setup.key, 90_000);
    expect(triage.outcome).toBe("explained: code");
    expect(triage.links.fix).toBe("queued");
    const fix = await h.waitForJob(`fix:${setup.key}`, 90_000);
    expect(fix.outcome).toMatch(/^pr-opened #\d+$/);
    const prs = (h.standIn.snapshot().pullRequests as AnyJson[]).filter(
      (p) => String(p.url).includes(setup.repoFullName) && p.head.ref.startsWith("codex/"),
    );
    expect(prs).toHaveLength(1);
    expect(prs[0].base.ref).toBe("feature/subtract");
    expect(prs[0].draft).toBe(true);
    expect(prs[0].body).toContain(`the CI failure on #${setup.prNumber}`);
  });

  it("never drafts a fix for a fork's PR", async () => {
    const setup = await setupCiFailure(h, { repoName: `follow-${++counter}`, config: "triage:\n  autofix: draft-pr\n", fork: true });
    cleanups.push(() => setup.remote.cleanup());
    await h.deliver("workflow_run", setup.payload);
    const triage = await h.waitForJob(setup.key, 90_000);
    expect(triage.outcome).toBe("explained: code");
    expect(triage.links.fix).toBeUndefined();
  });
});

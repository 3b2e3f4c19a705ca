import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../../demo/harness.js";
import { demoFixAnswer, issueFixScript, setupIssueFix, type IssueFixSetup } from "../../demo/scenarios/issue-fix.js";
import { structured, type ScriptedMessages } from "../../demo/scripted-messages.js";
import type { RecordedRequest, ScriptStep } from "../../demo/scripted-model.js";
import { secondOpinionKey } from "../../src/jobs/keys.js";
import { runGit } from "../../src/workspace/git.js";
import { CLAUDE_TEST_MODEL } from "../helpers/claude.js";

// fix.second_opinion end to end: a labelled issue, Codex (the real binary, scripted model) drafts the PR, Claude
// (the real binary, scripted Messages API) reviews it as a PR review with line comments, and when Claude asks for
// changes Codex does one more round on the same PR, within fix.max_review_rounds. GitHub is the stand-in.
type AnyJson = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const COMMENT_PATCH = [
  "*** Begin Patch",
  "*** Update File: src/sum.js",
  "@@",
  "-export function sum(a, b) {",
  "+// Adds two numbers.",
  "+export function sum(a, b) {",
  "*** End Patch",
].join("\n");
const codexScript = (req: RecordedRequest): ScriptStep[] =>
  JSON.stringify(req.body).includes("review feedback")
    ? [
        { kind: "patch", patch: COMMENT_PATCH },
        { kind: "message", text: JSON.stringify({ ...demoFixAnswer(), summary: "Document sum" }) },
      ]
    : issueFixScript();

let verdict = "approve_suggestion";
const claudeReview = () =>
  structured({
    summary: "The fix makes `sum` add.",
    verdict,
    comments: [{ path: "src/sum.js", line: 2, body: "Say in a comment what this returns." }],
  });

let h: Harness;
let claude: ScriptedMessages;
const cleanups: (() => Promise<void>)[] = [];
let n = 0;

beforeAll(async () => {
  h = await startHarness({ script: codexScript, claudeScript: () => [claudeReview()], env: { CLAUDE_MODEL: CLAUDE_TEST_MODEL } });
  claude = h.claude!;
}, 60_000);
afterAll(async () => {
  for (const c of cleanups) await c();
  await h?.close();
});

/** A labelled issue fixed by Codex; returns the PR, its head and the fix record. */
async function draftPr(config: string) {
  const setup = await setupIssueFix(h, { repoName: `second-${++n}`, config });
  cleanups.push(() => setup.remote.cleanup());
  await h.deliver("issues", setup.payload, setup.deliveryId);
  const record = await h.waitForJob(setup.key, 120_000);
  expect(record.outcome).toMatch(/^pr-opened #\d+$/);
  const pr = (h.standIn.snapshot().pullRequests as AnyJson[]).find((p) => String(p.url).includes(`/${setup.repoFullName}/`))!;
  return { setup, pr, head: record.links.commit };
}

function reviewsOn(setup: IssueFixSetup, number: number): AnyJson[] {
  return h.standIn.state.reviews.filter((r) => r.pull_number === number && String(r.url).includes(`/${setup.repoFullName}/`));
}

async function jobsOf(setup: IssueFixSetup, kind: string): Promise<AnyJson[]> {
  const { rows } = await h.db.query(
    `SELECT key, outcome FROM codex_dispatch.job_records WHERE repo = $1 AND kind = $2 ORDER BY created_at`,
    [setup.repoFullName, kind],
  );
  return rows as AnyJson[];
}

describe("fix.second_opinion", () => {
  it("Codex drafts, Claude reviews with a line comment and says so; approve → no round", async () => {
    verdict = "approve_suggestion";
    const claudeCalls = claude.requests.length;
    const { setup, pr, head } = await draftPr("fix:\n  second_opinion: claude\n");
    const so = await h.waitForJob(secondOpinionKey(setup.repoFullName, pr.number, head), 120_000);
    expect(so.outcome).toBe("reviewed: approve_suggestion");
    expect(claude.requests.length).toBeGreaterThan(claudeCalls);
    const [review, ...more] = reviewsOn(setup, pr.number);
    expect(more).toHaveLength(0);
    expect(review.state).toBe("COMMENTED");
    expect(review.body).toContain("### Second opinion: Claude's review");
    expect(review.body).toContain("Codex drafted this change; `fix.second_opinion` asks Claude to review it.");
    expect(review.body).toContain(`Claude (\`${CLAUDE_TEST_MODEL}\`; chosen by fix.second_opinion: claude, on Codex's pull request)`);
    expect(review.body).toContain("Claude found nothing that blocks this");
    expect(review.comments).toEqual([
      expect.objectContaining({ path: "src/sum.js", line: 2, body: "Say in a comment what this returns." }),
    ]);
    expect(await jobsOf(setup, "fix")).toHaveLength(1);
  }, 300_000);

  it("request changes → one more Codex round on the same PR; with max_review_rounds: 1 the second stops there", async () => {
    verdict = "request_changes";
    // Routing auto would hand the round to Claude (Codex has had its try here): the round must stay the author's.
    const config = "fix:\n  second_opinion: claude\n  max_review_rounds: 1\nagent:\n  routing: { fix: auto }\n";
    const { setup, pr, head } = await draftPr(config);
    const first = await h.waitForJob(secondOpinionKey(setup.repoFullName, pr.number, head), 120_000);
    expect(first.outcome).toBe("reviewed: request_changes, round 1 queued");
    const round = await h.waitForJob(first.links.round, 120_000);
    expect(round.outcome).toBe(`pushed to #${pr.number}`);
    const { rows } = await h.db.query(`SELECT agent FROM codex_dispatch.agent_runs WHERE job_key = $1`, [first.links.round]);
    expect(rows).toEqual([{ agent: "codex" }]);
    // Claude's line comment reached Codex through the review (target.ts reads the review's comments).
    const prompt = JSON.stringify(h.model.requests.find((q) => JSON.stringify(q.body).includes("review feedback"))?.body);
    expect(prompt).toContain("src/sum.js:2: Say in a comment what this returns.");
    const log = await runGit(["log", "--format=%s", `main..${pr.head.ref}`], { cwd: setup.remote.url });
    expect(log.trim().split("\n")).toEqual(["Document sum", "Make sum add its arguments"]);
    expect((h.standIn.snapshot().pullRequests as AnyJson[]).filter((p) => String(p.url).includes(`/${setup.repoFullName}/`))).toHaveLength(
      1,
    );

    // The round's push gets its own second opinion, which asks again: the limit ends it, and the PR says so.
    const second = await h.waitForJob(secondOpinionKey(setup.repoFullName, pr.number, round.links.commit), 120_000);
    expect(second.outcome).toBe("reviewed: request_changes, round 2 queued");
    expect((await h.waitForJob(second.links.round, 120_000)).outcome).toBe("review-rounds-spent");
    expect(reviewsOn(setup, pr.number)).toHaveLength(2);
    expect((await jobsOf(setup, "second-opinion")).map((j) => j.outcome)).toHaveLength(2);
    const said = (h.standIn.snapshot().comments as AnyJson[]).filter((c) =>
      String(c.issue_url).endsWith(`${setup.repoFullName}/issues/${pr.number}`),
    );
    expect(said.map((c) => String(c.body)).join("\n")).toContain("Codex stops here");
  }, 600_000);

  it("off → the PR gets no review", async () => {
    const claudeCalls = claude.requests.length;
    const { setup, pr } = await draftPr("fix:\n  max_review_rounds: 2\n");
    expect(await jobsOf(setup, "second-opinion")).toEqual([]);
    expect(reviewsOn(setup, pr.number)).toEqual([]);
    expect(claude.requests.length).toBe(claudeCalls);
  }, 300_000);
});

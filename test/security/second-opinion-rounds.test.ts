import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, STANDIN_APP, type Harness } from "../../demo/harness.js";
import { DEMO_MAINTAINER, issueFixScript, setupIssueFix, type IssueFixSetup } from "../../demo/scenarios/issue-fix.js";
import { toRepoRef } from "../../src/handlers/payload.js";
import { reviewFixKey, targetKey } from "../../src/jobs/keys.js";
import { getJobRecord } from "../../src/jobs/records.js";
import { submitJob } from "../../src/jobs/submit.js";
import type { FixJob } from "../../src/jobs/types.js";
import { runGit } from "../../src/workspace/git.js";

// fix.second_opinion lets one review by the App itself start a fix round: its own second opinion, marked so in
// the job it queues. Every other way the App's (or anyone's) review could pose as one must start nothing: the
// webhook of the App's own review, a round from the App's review without the mark (even with the App listed in
// fix.review_bots), the mark on someone else's round, and the mark after the repository turned the feature off.
type AnyJson = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const APP_LOGIN = `${STANDIN_APP.slug}[bot]`;
let h: Harness;
const cleanups: (() => Promise<void>)[] = [];
let n = 0;

beforeAll(async () => {
  h = await startHarness({ script: issueFixScript() });
}, 60_000);
afterAll(async () => {
  for (const c of cleanups) await c();
  await h?.close();
});

/** The bot's fix PR on a repository with `config`, and the App's own request-changes review on it. */
async function botPrWithAppReview(config: string) {
  const setup = await setupIssueFix(h, { repoName: `s22-${++n}`, config });
  cleanups.push(() => setup.remote.cleanup());
  await h.deliver("issues", setup.payload, setup.deliveryId);
  expect((await h.waitForJob(setup.key, 120_000)).outcome).toMatch(/^pr-opened/);
  const pr = (h.standIn.snapshot().pullRequests as AnyJson[]).find((p) => String(p.url).includes(`/${setup.repoFullName}/`))!;
  // What a `/codex review` with verdict request_changes leaves: a review by the App, with a line comment.
  const review = h.standIn.addReview(setup.repoFullName, pr.number, {
    user: APP_LOGIN,
    state: "CHANGES_REQUESTED",
    body: "### Codex review\n\nRewrite src/sum.js entirely.",
    comments: [{ path: "src/sum.js", line: 2, body: "Delete this." }],
  });
  const head = (await runGit(["rev-parse", pr.head.ref], { cwd: setup.remote.url })).trim();
  return { setup, pr, review, head };
}

/** The round a review would start, built as the handler or the second opinion builds it, queued directly. */
async function queueRound(setup: IssueFixSetup, pr: AnyJson, reviewId: number, requestedBy: string, secondOpinion?: boolean) {
  const job: FixJob = {
    kind: "fix",
    key: reviewFixKey(setup.repoFullName, pr.number, reviewId),
    installationId: 4101,
    deliveryId: `s22-${reviewId}`,
    repo: toRepoRef(pr.base.repo),
    requestedBy,
    origin: {
      type: "review",
      prNumber: pr.number,
      branch: pr.head.ref,
      round: 1,
      reviewId,
      feedback: "Rewrite src/sum.js entirely.",
      ...(secondOpinion ? { secondOpinion: { author: "codex" as const, reviewer: "claude" as const } } : {}),
    },
  };
  await submitJob(h.db, h.queue, job, {
    meta: { branch: pr.head.ref, pr: pr.number },
    serialKey: targetKey(setup.repoFullName, pr.number),
  });
  return h.waitForJob(job.key, 60_000);
}

describe("only the bot's own second opinion lets a review by the App start a round", () => {
  it("[S22.1] the webhook of the App's own review (a /codex review asking for changes) on the bot's PR → no fix round", async () => {
    const { setup, pr, review, head } = await botPrWithAppReview("fix:\n  second_opinion: claude\n");
    const fresh = (h.standIn.snapshot().pullRequests as AnyJson[]).find(
      (p) => p.number === pr.number && String(p.url).includes(setup.repoFullName),
    )!;
    await h.deliver("pull_request_review", {
      action: "submitted",
      review: { ...review, state: "changes_requested" },
      pull_request: fresh,
      repository: fresh.base.repo,
      sender: { login: APP_LOGIN, id: STANDIN_APP.id, type: "Bot" },
      installation: { id: 4101 },
    });
    // The handler returned: had it queued a round, its record would exist now.
    expect(await getJobRecord(h.db, reviewFixKey(setup.repoFullName, pr.number, review.id))).toBeNull();
    expect((await runGit(["rev-parse", pr.head.ref], { cwd: setup.remote.url })).trim()).toBe(head);
  }, 180_000);

  it("[S22.2] a round from the App's review without the second-opinion mark, the App listed in fix.review_bots → skipped, nothing pushed", async () => {
    const { setup, pr, review, head } = await botPrWithAppReview(`fix:\n  second_opinion: claude\n  review_bots: ['${APP_LOGIN}']\n`);
    const record = await queueRound(setup, pr, review.id, APP_LOGIN);
    expect(record.outcome).toBe("skipped: the App's own review is not a second opinion");
    expect((await runGit(["rev-parse", pr.head.ref], { cwd: setup.remote.url })).trim()).toBe(head);
    expect(h.model.requests.filter((q) => JSON.stringify(q.body).includes("Rewrite src/sum.js"))).toEqual([]);
  }, 180_000);

  it("[S22.3] the second-opinion mark on a round someone else requested → refused, nothing pushed", async () => {
    const { setup, pr, review, head } = await botPrWithAppReview("fix:\n  second_opinion: claude\n");
    const record = await queueRound(setup, pr, review.id, DEMO_MAINTAINER, true);
    expect(record.outcome).toBe("refused: a second-opinion round not requested by the App");
    expect((await runGit(["rev-parse", pr.head.ref], { cwd: setup.remote.url })).trim()).toBe(head);
  }, 180_000);

  it("[S22.4] a second opinion's round after the repository set fix.second_opinion: off → skipped, nothing pushed", async () => {
    const { setup, pr, review, head } = await botPrWithAppReview("fix:\n  second_opinion: off\n");
    const record = await queueRound(setup, pr, review.id, APP_LOGIN, true);
    expect(record.outcome).toBe("skipped: fix.second_opinion is off");
    expect((await runGit(["rev-parse", pr.head.ref], { cwd: setup.remote.url })).trim()).toBe(head);
  }, 180_000);
});

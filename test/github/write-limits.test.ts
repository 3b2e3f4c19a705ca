import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGitHubStandIn, type GitHubStandIn } from "../../demo/github-standin.js";
import { NOTIFYING_BURST, WRITE_BURST } from "../../src/github/write-limits.js";
import { appClient } from "./client.js";

// The production Octokit's write pacing, timed against the stand-in (which answers at once): a job's few writes
// go out together, a long run of writes is still held to about one a second, and new comments to one every 3 s.
// Each test uses its own installation, so each starts with full buckets (they are per installation).
let standIn: GitHubStandIn;
const SHA = "b".repeat(40);

beforeAll(async () => {
  standIn = await startGitHubStandIn();
  for (const [name, installationId] of [
    ["burst", 31],
    ["paced", 32],
    ["notify", 33],
  ] as const) {
    standIn.addRepo({ owner: "o", name, cloneUrl: "/nonexistent", installationId });
    standIn.addIssue(`o/${name}`, { title: "t" });
  }
});
afterAll(async () => standIn.close());

const client = (installationId: number) => appClient(standIn.baseUrl, installationId);

/** Milliseconds from `t0` at which each call finished. */
async function timed(calls: (() => Promise<unknown>)[]): Promise<number[]> {
  const t0 = Date.now();
  const at: number[] = [];
  for (const call of calls) {
    await call();
    at.push(Date.now() - t0);
  }
  return at;
}

describe("GitHub write pacing (token buckets, per installation)", () => {
  it("a triage's four writes (check run, comment, comment edit, check run edit) go out without waiting", async () => {
    const gh = await client(31);
    const repo = { owner: "o", repo: "burst" };
    let checkRunId = 0;
    let commentId = 0;
    const at = await timed([
      async () => (checkRunId = (await gh.rest.checks.create({ ...repo, name: "Codex triage", head_sha: SHA })).data.id),
      async () => (commentId = (await gh.rest.issues.createComment({ ...repo, issue_number: 1, body: "investigating" })).data.id),
      () => gh.rest.issues.updateComment({ ...repo, comment_id: commentId, body: "the answer" }),
      () => gh.rest.checks.update({ ...repo, check_run_id: checkRunId, status: "completed", conclusion: "neutral" }),
    ]);
    // With a fixed one-second spacing the last write would finish after 3 s.
    expect(at[3]).toBeLessThan(800);
  });

  it(`a long run of writes is held to one a second once the first ${WRITE_BURST} are spent`, async () => {
    const gh = await client(32);
    const repo = { owner: "o", repo: "paced" };
    const id = (await gh.rest.checks.create({ ...repo, name: "n", head_sha: SHA })).data.id;
    const at = await timed(
      Array.from({ length: WRITE_BURST + 2 }, (_, i) => () => gh.rest.checks.update({ ...repo, check_run_id: id, summary: String(i) })),
    );
    // The create and the first WRITE_BURST - 1 updates used the bucket; the rest wait for it to refill.
    expect(at[WRITE_BURST - 2]).toBeLessThan(800);
    expect(at[WRITE_BURST]).toBeGreaterThanOrEqual(1500);
    expect(at[WRITE_BURST + 1] - at[WRITE_BURST - 1]).toBeGreaterThanOrEqual(1500);
  }, 15_000);

  it(`new comments: ${NOTIFYING_BURST} at once, then one every 3 s`, async () => {
    const gh = await client(33);
    const at = await timed(
      Array.from(
        { length: NOTIFYING_BURST + 1 },
        (_, i) => () => gh.rest.issues.createComment({ owner: "o", repo: "notify", issue_number: 1, body: String(i) }),
      ),
    );
    expect(at[NOTIFYING_BURST - 1]).toBeLessThan(800);
    expect(at[NOTIFYING_BURST]).toBeGreaterThanOrEqual(2500);
  }, 15_000);
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../../demo/harness.js";
import { ciFailureScript, setupCiFailure, type CiFailureSetup } from "../../demo/scenarios/ci-failure.js";
import { timingOf } from "../../src/jobs/job-timing.js";
import { getJobRecord } from "../../src/jobs/records.js";

// The first signal: the triage comment is up before the model is asked anything (the scripted model looks at the
// PR's comments when codex's first request reaches it), and the answer then edits that same comment.
let h: Harness;
let setup: CiFailureSetup;
type Comment = { id: number; body: string; issue_url: string };
let seenByModel: Comment[] | null = null;

beforeAll(async () => {
  const steps = ciFailureScript();
  h = await startHarness({
    script: () => {
      // The first request: nothing the model says has reached GitHub yet.
      seenByModel ??= (h.standIn.snapshot() as unknown as { comments: Comment[] }).comments;
      return steps;
    },
  });
  setup = await setupCiFailure(h);
  await h.deliver("workflow_run", setup.payload);
  await h.waitForJob(setup.key, 90_000);
}, 120_000);

afterAll(async () => {
  await setup?.remote.cleanup();
  await h?.close();
});

describe("the triage comment of a failed run", () => {
  it("is posted before the model answers: workflow › job › step, the log's key lines, marked as investigating", () => {
    expect(seenByModel).not.toBeNull();
    const early = (seenByModel ?? []).filter((c) => c.issue_url.endsWith(`/issues/${setup.prNumber}`));
    expect(early).toHaveLength(1);
    const body = early[0].body;
    expect(body).toContain("Codex is investigating…");
    expect(body).toMatch(/\[CI\]\(.*\) › \[test\]\(.*\/job\/\d+\) › Run npm test/);
    expect(body).toContain("AssertionError [ERR_ASSERTION]");
    expect(body).toContain("-1 !== 5");
    // No model has spoken: nothing of its answer is there.
    expect(body).not.toContain("Root cause");
    expect(body).toContain(`<!-- codex-dispatch:triage:run-${setup.runId} -->`);
  });

  it("is completed in place: the answer is an edit of the same comment, never a second one", () => {
    const { comments } = h.standIn.snapshot() as unknown as { comments: Comment[] };
    expect(comments).toHaveLength(1);
    expect(comments[0].id).toBe(seenByModel?.[0]?.id);
    expect(comments[0].body).toContain("Root cause");
    expect(comments[0].body).not.toContain("Codex is investigating");
    const posts = h.standIn.requests.filter((r) => r.method === "POST" && /\/issues\/\d+\/comments$/.test(r.path));
    const edits = h.standIn.requests.filter((r) => r.method === "PATCH" && r.path.endsWith(`/issues/comments/${comments[0].id}`));
    expect(posts).toHaveLength(1);
    expect(edits).toHaveLength(1);
  });

  it("records where the job's time went in its record: phases, overlapping spans and marks in order", async () => {
    const record = await getJobRecord(h.db, setup.key);
    const timing = timingOf(record?.meta ?? {});
    expect(timing).not.toBeNull();
    expect(Object.keys(timing!.phases)).toEqual(expect.arrayContaining(["config", "workspace", "agent", "publish"]));
    expect(Object.keys(timing!.spans)).toEqual(expect.arrayContaining(["gather", "workspace"]));
    const m = timing!.marks;
    expect(m["first-signal"]).toBeLessThanOrEqual(m["agent-spawn"]);
    expect(m["agent-spawn"]).toBeLessThanOrEqual(m["agent-exit"]);
    expect(m["agent-exit"]).toBeLessThanOrEqual(m["published"]);
    // The enqueue's meta (the branch a bot-branch budget counts by) is kept beside the timing.
    expect(record?.meta.branch).toBe("feature/subtract");
  });
});

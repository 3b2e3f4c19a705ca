import { triageCommentMarker } from "../../src/jobs/keys.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../../demo/harness.js";
import { ciFailureScript, setupCiFailure, type CiFailureSetup } from "../../demo/scenarios/ci-failure.js";
import { checkRunTriageKey } from "../../src/jobs/keys.js";

// Another CI app (not GitHub Actions) reports a failed check run: its own output text and annotations are
// what the bot gathers, and the explanation lands on the PR like an Actions triage.
type AnyJson = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
let h: Harness;
let setup: CiFailureSetup;

beforeAll(async () => {
  h = await startHarness({ script: ciFailureScript() });
  setup = await setupCiFailure(h, { repoName: "external-ci" });
}, 60_000);
afterAll(async () => {
  await setup?.remote.cleanup();
  await h?.close();
});

describe("a failed check run from another CI", () => {
  it("is triaged from its output and annotations, with one sticky comment per check name", async () => {
    const run = h.standIn.addCheckRun(setup.repoFullName, {
      name: "ci/circleci: test",
      headSha: setup.headSha,
      conclusion: "failure",
      title: "1 test failed",
      summary: "node --test exited with 1",
      text: "✖ adds two numbers\nAssertionError [ERR_ASSERTION]: Expected values to be strictly equal:\n-1 !== 5",
      detailsUrl: "https://circleci.example/jobs/42",
      annotations: [{ path: "test/sum.test.js", start_line: 6, end_line: 6, annotation_level: "failure", message: "expected 5, got -1" }],
      appSlug: "circleci-checks",
    });
    const payload = {
      action: "completed",
      check_run: { ...run, pull_requests: [{ number: setup.prNumber }], check_suite: { head_branch: "feature/subtract" } },
      repository: (setup.payload as AnyJson).repository,
      sender: { login: "circleci-checks[bot]", type: "Bot" },
      installation: (setup.payload as AnyJson).installation,
    };
    await h.deliver("check_run", payload);
    const record = await h.waitForJob(checkRunTriageKey(setup.repoFullName, setup.headSha, run.id), 90_000);
    expect(record.outcome).toBe("explained: code");
    const prompt = JSON.stringify(h.model.requests[0].body);
    expect(prompt).toContain("-1 !== 5");
    expect(prompt).toContain("test/sum.test.js:6: expected 5, got -1");
    const comments = h.standIn.snapshot().comments as AnyJson[];
    expect(comments).toHaveLength(1);
    expect(comments[0].body).toContain(triageCommentMarker({ type: "check_run", name: "ci/circleci: test" }));
    const triage = (h.standIn.snapshot().checkRuns as AnyJson[]).filter((c) => c.name === "Codex triage");
    expect(triage).toHaveLength(1);
  });
});

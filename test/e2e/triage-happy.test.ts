import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../../demo/harness.js";
import { ciFailureScript, setupCiFailure, type CiFailureSetup } from "../../demo/scenarios/ci-failure.js";

// The whole path with the real codex binary in a real worktree: signed webhook → queue → gather logs
// from the GitHub stand-in → mirror + worktree from a local bare remote → codex (read-only) against the
// scripted model behind the key proxy → comment and check run on the stand-in.
let h: Harness;
let setup: CiFailureSetup;

beforeAll(async () => {
  h = await startHarness({ script: ciFailureScript() });
  setup = await setupCiFailure(h);
  await h.deliver("workflow_run", setup.payload);
  await h.waitForJob(setup.key, 90_000);
}, 120_000);

afterAll(async () => {
  await setup?.remote.cleanup();
  await h?.close();
});

describe("a failed CI run on a pull request", () => {
  it("ends with the job recorded as explained, with phases, tokens and links", async () => {
    const { getJobRecord } = await import("../../src/jobs/records.js");
    const record = await getJobRecord(h.db, setup.key);
    expect(record).toMatchObject({ status: "succeeded", outcome: "explained: code", phase: "publish" });
    expect(record?.tokens?.input).toBeGreaterThan(0);
    // The cost is stored with the tokens: tokens × the price of the harness's model (gpt-5.5).
    const { DEFAULT_MODEL_PRICES } = await import("../../src/agent/prices.js");
    const price = DEFAULT_MODEL_PRICES["gpt-5.5"]!;
    const expected = ((record?.tokens?.input ?? 0) * price.input + (record?.tokens?.output ?? 0) * price.output) / 1e6;
    expect(record?.costUsd).toBeCloseTo(expected, 6);
    expect(Object.keys(record?.links ?? {})).toEqual(expect.arrayContaining(["checkRun", `pr${setup.prNumber}`]));
  });

  it("posts one comment on the PR with the cause, evidence, file:line links and a footer", () => {
    const { comments } = h.standIn.snapshot() as unknown as { comments: { body: string; issue_url: string; user: { login: string } }[] };
    expect(comments).toHaveLength(1);
    const [c] = comments;
    expect(c.issue_url).toMatch(new RegExp(`/issues/${setup.prNumber}$`));
    expect(c.user.login).toBe("codex-dispatch[bot]");
    expect(c.body).toContain("CI");
    expect(c.body).toMatch(/\[CI\]\(.*\) › \[test\]\(.*\/job\/\d+\) › Run npm test/);
    expect(c.body).toContain("subtracts instead of adding");
    expect(c.body).toContain("confidence high");
    expect(c.body).toContain("-1 !== 5");
    expect(c.body).toContain(`/octo-org/calculator/blob/${setup.headSha}/src/sum.js#L2`);
    // Which agent and model worked, the tokens and their cost at the default price of gpt-5.5 (the harness's model).
    expect(c.body).toMatch(
      /Codex triage of [0-9a-f]{7} · Codex \(`gpt-5\.5`; chosen by agent\.backend: codex\) · [\d,]+ tokens · (\$\d+\.\d\d|<\$0\.01) · \d+s/,
    );
    expect(c.body).toContain(`<!-- codex-dispatch:triage:run-${setup.runId} -->`);
  });

  it("creates a neutral Codex triage check run with annotations on the files involved", () => {
    const { checkRuns } = h.standIn.snapshot() as unknown as { checkRuns: Record<string, any>[] }; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(checkRuns).toHaveLength(1);
    const [run] = checkRuns;
    expect(run).toMatchObject({ name: "Codex triage", head_sha: setup.headSha, conclusion: "neutral" });
    expect(run.output.title).toContain("subtracts");
    expect(run.output.annotations_count).toBe(2);
  });

  it("gave codex the log excerpt as fenced data and never the real model key", () => {
    const first = h.model.requests[0];
    expect(first.authorization).toBe(`Bearer ${h.modelKey}`);
    const prompt = JSON.stringify(first.body);
    expect(prompt).toContain("AssertionError [ERR_ASSERTION]");
    expect(prompt).toContain("untrusted data");
    // What the command codex ran printed: the worktree is at the PR's head (the bug), not main.
    expect(h.model.requests[1].toolOutputs.join("\n")).toContain("return a - b;");
  });

  it("updates the same comment when the run is re-run and fails again", async () => {
    const payload = structuredClone(setup.payload) as { workflow_run: { run_attempt: number } };
    payload.workflow_run.run_attempt = 2;
    const { workflowRunTriageKey } = await import("../../src/jobs/keys.js");
    await h.deliver("workflow_run", payload);
    await h.waitForJob(workflowRunTriageKey(setup.repoFullName, setup.headSha, setup.runId, 2), 90_000);
    const { comments } = h.standIn.snapshot() as unknown as { comments: { body: string }[] };
    expect(comments).toHaveLength(1);
    expect(comments[0].body).toContain("(attempt 2)");
  }, 100_000);
});

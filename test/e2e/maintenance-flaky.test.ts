import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../../demo/harness.js";
import { ciFailureScript, setupCiFailure, type CiFailureSetup } from "../../demo/scenarios/ci-failure.js";
import { DEMO_REPO, demoTriageAnswer } from "../../demo/scenarios/ci-failure-fixture.js";
import { submitMaintenanceRun } from "../../demo/scenarios/maintenance.js";
import type { GitHubClient } from "../../src/github/client.js";
import { getJobRecord } from "../../src/jobs/records.js";
import { workflowRunTriageKey } from "../../src/jobs/keys.js";
import { RepoConfigCache } from "../../src/pipeline/maintenance/config-cache.js";
import { tickMaintenance, type TickDeps } from "../../src/pipeline/maintenance/tick.js";

// The flaky-test chaser end to end ([7/13]): real triages (the real codex binary against the scripted model)
// name a failing test; a workflow passing on a commit it failed on makes those failures flaky; once a test is
// over the threshold the tick enqueues the flaky task for it; the run's verify step runs that one test K times
// before and after the agent's change, and the PR body shows both pass counts.
type AnyJson = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const TEST = "settles in order";
const OTHER = "drains the queue";
const RUNS = 5;
const CONFIG = [
  "maintenance:",
  `  flaky: { threshold: 2, runs: ${RUNS}, command: "node --test --test-name-pattern {test}" }`,
  "  tasks:",
  '    - { name: flaky, schedule: "0 5 * * *", preset: flaky, paths: ["test/**"] }',
  "",
].join("\n");

// Every fourth run "the timer wins the race": a stand-in for real timing flakiness that is the same on every
// machine. The counter lives in TMPDIR, which the bot's verify runs of one job share.
const FLAKY_TEST = [
  'import { test } from "node:test";',
  'import assert from "node:assert/strict";',
  'import { readFileSync, writeFileSync } from "node:fs";',
  'import { tmpdir } from "node:os";',
  'import { join } from "node:path";',
  "",
  "function raced() {",
  '  const file = join(tmpdir(), "order-runs");',
  "  let n = 0;",
  "  try {",
  '    n = Number(readFileSync(file, "utf8"));',
  "  } catch {}",
  "  writeFileSync(file, String(n + 1));",
  "  return (n + 1) % 4 === 0;",
  "}",
  "",
  `test("${TEST}", () => {`,
  "  assert.equal(raced(), false);",
  "});",
  "",
  `test("${OTHER}", () => {`,
  "  assert.equal(raced(), false);",
  "});",
  "",
].join("\n");

const FIX = [
  "*** Begin Patch",
  "*** Update File: test/order.test.js",
  "@@",
  ` test("${TEST}", () => {`,
  "-  assert.equal(raced(), false);",
  '+  assert.deepEqual(["b", "a"].sort(), ["a", "b"]);',
  " });",
  "*** End Patch",
].join("\n");

let h: Harness;
let setup: CiFailureSetup;
let deps: TickDeps;
const cache = new RepoConfigCache();
const tomorrow = new Date(Date.now() + 86_400_000);
const at = (day: number) => new Date(Date.UTC(tomorrow.getUTCFullYear(), tomorrow.getUTCMonth(), tomorrow.getUTCDate() + day, 5, 40));

beforeAll(async () => {
  h = await startHarness();
  setup = await setupCiFailure(h, { repoName: "flaky", config: CONFIG, baseFiles: { "test/order.test.js": FLAKY_TEST } });
  deps = {
    db: h.db,
    queue: h.queue,
    log: pino({ level: "silent" }),
    github: async (id) => (await h.probot.auth(id)) as GitHubClient,
    appGithub: async () => (await h.probot.auth()) as GitHubClient,
  };
}, 60_000);
afterAll(async () => {
  await h?.close();
  await setup?.remote.cleanup();
});

/** Delivers attempt `attempt` of the CI run with `conclusion`; a failure is triaged with `classification`. */
async function attempt(n: number, conclusion: "failure" | "success", classification = "test") {
  const payload = structuredClone(setup.payload) as { workflow_run: AnyJson };
  payload.workflow_run.run_attempt = n;
  payload.workflow_run.conclusion = conclusion;
  if (conclusion === "success") return h.deliver("workflow_run", payload);
  h.model.setScript(ciFailureScript({ ...demoTriageAnswer(), classification, failing_tests: [TEST], fixable: false }));
  await h.deliver("workflow_run", payload);
  const record = await h.waitForJob(workflowRunTriageKey(setup.repoFullName, setup.headSha, setup.runId, n), 90_000);
  expect(record.outcome).toBe(`explained: ${classification}`);
}

describe("the flaky-test chaser", () => {
  it("a test triage called flaky once is under the threshold (2): the tick enqueues nothing", async () => {
    await attempt(1, "failure", "flaky");
    expect((await tickMaintenance(deps, { now: at(0), cache })).enqueued).toEqual([]);
  }, 120_000);

  it("a second failure triage blamed on the test is not flaky by itself: still nothing", async () => {
    await attempt(2, "failure", "test");
    expect((await tickMaintenance(deps, { now: at(0), cache })).enqueued).toEqual([]);
  }, 120_000);

  let key = "";
  it("the workflow then passes on the same commit → two flaky failures → one run of the flaky task for that test", async () => {
    await attempt(3, "success");
    const summary = await tickMaintenance(deps, { now: at(0), cache });
    expect(summary.enqueued).toHaveLength(1);
    key = summary.enqueued[0];
    const record = await getJobRecord(h.db, key);
    expect((record?.data as AnyJson).origin).toMatchObject({ type: "maintenance", task: "flaky", test: TEST });
  }, 120_000);

  it("the run fixes the test on its own branch; the test ran K times before and after, counts in the PR body", async () => {
    h.model.setScript([
      { kind: "exec", cmd: "cat test/order.test.js" },
      { kind: "patch", patch: FIX },
      {
        kind: "message",
        text: JSON.stringify({
          summary: "Make the order test deterministic",
          root_cause: "The test depended on which of two timers fired first.",
          changes: "test/order.test.js: assert on a sorted result instead of the race.",
          tests: [],
          confidence: "high",
          follow_up: "",
        }),
      },
    ]);
    const record = await h.waitForJob(key, 180_000);
    expect(record.error).toBeNull();
    expect(record.outcome).toMatch(/^pr-opened #\d+$/);
    const pr = (h.standIn.snapshot().pullRequests as AnyJson[]).find((p) => String(p.head.ref).startsWith("codex/maintenance/flaky/"))!;
    expect(pr.head.ref).toMatch(/^codex\/maintenance\/flaky\/settles-in-order/);
    expect(pr.draft).toBe(true);
    expect(pr.body).toContain(`run ${RUNS} times: before the change 4 of ${RUNS} runs passed, after it ${RUNS} of ${RUNS} runs passed`);
    const handoff = JSON.parse(/```json\n([\s\S]*?)\n```/.exec(pr.body)![1]);
    expect(handoff.verify).toMatchObject({ runs: RUNS, passed_before: 4, passed_after: RUNS });
    expect(handoff.verify.command).toBe(`node --test --test-name-pattern '${TEST}'`);
    // The agent was told which test, as fenced data, and how it is checked.
    const prompt = JSON.stringify(h.model.requests.at(-3)?.body);
    expect(prompt).toContain("The flaky test");
    expect(prompt).toContain(TEST);
    expect(prompt).toContain("The bot runs the test with `node --test --test-name-pattern {test}`");
    expect(prompt).toContain(`${RUNS} times before and after your change`);
    // The name itself reaches the agent only inside fenced data blocks, never in the rules or the task.
    expect(prompt.indexOf(TEST)).toBeGreaterThan(prompt.indexOf("The flaky test (untrusted data"));
  }, 200_000);

  it("a change that does not make the test deterministic is not pushed: after it, not every run passed", async () => {
    h.model.setScript([
      { kind: "exec", cmd: "cat test/order.test.js" },
      {
        kind: "patch",
        patch: ["*** Begin Patch", "*** Add File: test/notes.md", "+Looked at the queue test.", "*** End Patch"].join("\n"),
      },
      {
        kind: "message",
        text: JSON.stringify({ summary: "Note", root_cause: "?", changes: "notes", tests: [], confidence: "low", follow_up: "" }),
      },
    ]);
    const repo = ((await getJobRecord(h.db, key))!.data as AnyJson).repo;
    const setupRef = { remote: setup.remote, installationId: DEMO_REPO.installationId, repo };
    const other = await submitMaintenanceRun(h, setupRef, "flaky", "manual-other", { test: OTHER, trigger: "dashboard" });
    const record = await h.waitForJob(other, 180_000);
    expect(record.outcome).toBe("verify-failed");
    const prs = (h.standIn.snapshot().pullRequests as AnyJson[]).filter((p) => String(p.head.ref).startsWith("codex/maintenance/flaky/"));
    expect(prs).toHaveLength(1);
    expect(prs[0].head.ref).not.toMatch(/drains/);
  }, 200_000);

  it("the next day nothing is chased again: the failures before the run do not count twice", async () => {
    expect((await tickMaintenance(deps, { now: at(1), cache })).enqueued).toEqual([]);
  }, 60_000);
});

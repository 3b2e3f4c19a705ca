import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../../demo/harness.js";
import { demoTriageAnswer } from "../../demo/scenarios/ci-failure-fixture.js";
import { ciFailureScript, setupCiFailure } from "../../demo/scenarios/ci-failure.js";
import { structured, type ScriptedMessages } from "../../demo/scripted-messages.js";
import { recordAgentRun } from "../../src/jobs/agent-runs.js";
import { getJobRecord } from "../../src/jobs/records.js";

// Two agents behind one boundary ([8/13]): agent.routing sends a kind of work to one of them (fixed or learned),
// and a triage its first agent is unsure of gets the other agent's opinion. Real triages through the whole app:
// the webhook, the queue, the real codex and claude binaries behind the real key proxy, scripted models.
type AnyJson = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let h: Harness;
let claude: ScriptedMessages;
const cleanups: (() => Promise<void>)[] = [];
let n = 0;

beforeAll(async () => {
  h = await startHarness({ script: ciFailureScript(), claudeScript: [structured(demoTriageAnswer())] });
  claude = h.claude!;
}, 60_000);
afterAll(async () => {
  for (const c of cleanups) await c();
  await h?.close();
});

/** One failed CI run triaged end to end; returns the PR comment and the job's outcome. */
async function triage(config: string, before?: (repo: string) => Promise<void>) {
  const ci = await setupCiFailure(h, { repoName: `routing-${++n}`, config });
  cleanups.push(() => ci.remote.cleanup());
  await before?.(ci.repoFullName);
  const codexCalls = h.model.requests.length;
  const claudeCalls = claude.requests.length;
  await h.deliver("workflow_run", ci.payload);
  const record = await h.waitForJob(ci.key, 120_000);
  const comment = (h.standIn.snapshot().comments as AnyJson[]).find((c) => String(c.issue_url).includes(`/${ci.repoFullName}/`));
  return {
    record,
    body: String(comment?.body ?? ""),
    codex: h.model.requests.length - codexCalls,
    claude: claude.requests.length - claudeCalls,
    key: ci.key,
  };
}

describe("agent routing", () => {
  it("agent.routing.triage: claude → Claude triages, and the comment says which agent and why", async () => {
    const t = await triage("agent:\n  routing: { triage: claude }\n");
    expect(t.record.outcome).toBe("explained: code");
    expect(t.codex).toBe(0);
    expect(t.claude).toBeGreaterThan(0);
    expect(t.body).toContain(`Claude (\`claude-sonnet-5\`; chosen by agent.routing.triage: claude)`);
  }, 150_000);

  it("auto: an agent tried fewer than 3 times here goes first; the runs are recorded for the next choice", async () => {
    const first = await triage("agent:\n  routing: { triage: auto }\n");
    expect(first.codex).toBeGreaterThan(0);
    expect(first.body).toContain("chosen by auto: trying Codex (0 triage runs here so far)");
    const { rows } = await h.db.query(`SELECT agent, answered FROM codex_dispatch.agent_runs WHERE job_key = $1`, [first.key]);
    expect(rows).toEqual([{ agent: "codex", answered: true }]);

    // Codex has 3 good runs on this repository, Claude none: Claude gets its turn.
    const second = await triage("agent:\n  routing: { triage: auto }\n", async (repo) => {
      for (let i = 0; i < 3; i++)
        await recordAgentRun(h.db, {
          jobKey: `earlier-${i}`,
          repo,
          kind: "triage",
          agent: "codex",
          model: null,
          answered: true,
          tokens: 1,
          costUsd: null,
        });
    });
    expect(second.claude).toBeGreaterThan(0);
    expect(second.codex).toBe(0);
    expect(second.body).toContain("chosen by auto: trying Claude (0 triage runs here so far)");
  }, 300_000);
});

describe("a second opinion on an unsure triage", () => {
  const unsure = { ...demoTriageAnswer(), confidence: "low" };
  const config = "triage:\n  second_opinion: low\n  autofix: draft-pr\n";

  it("the other agent disagrees → the comment shows both causes, and no fix is drafted", async () => {
    h.model.setScript(ciFailureScript(unsure));
    claude.setScript([
      structured({
        ...demoTriageAnswer(),
        classification: "test",
        summary: "The test expects the wrong sum.",
        root_cause: "The test asserts 5.",
      }),
    ]);
    const t = await triage(config);
    expect(t.codex).toBeGreaterThan(0);
    expect(t.claude).toBeGreaterThan(0);
    expect(t.body).toContain("**Second opinion**");
    expect(t.body).toContain("Claude disagrees with Codex: it finds test (confidence high), not code.");
    expect(t.body).toContain("The test expects the wrong sum.");
    expect(t.body).toMatch(/Second opinion: Claude \(`claude-sonnet-5`; chosen by triage\.second_opinion: Codex's confidence was low\)/);
    expect(t.record.links.fix).toBeUndefined();
    // Both runs are recorded, and both runs' tokens are the job's.
    const { rows } = await h.db.query(`SELECT agent, tokens FROM codex_dispatch.agent_runs WHERE job_key = $1 ORDER BY id`, [t.key]);
    expect(rows.map((r: AnyJson) => r.agent)).toEqual(["codex", "claude"]);
    const total = rows.reduce((sum: number, r: AnyJson) => sum + Number(r.tokens), 0);
    const tokens = (await getJobRecord(h.db, t.key))!.tokens!;
    expect(tokens.input + tokens.output).toBe(total);
  }, 200_000);

  it("the other agent agrees → one line says so; a confident first answer asks nobody", async () => {
    h.model.setScript(ciFailureScript(unsure));
    claude.setScript([structured(demoTriageAnswer())]);
    const agreed = await triage(config);
    expect(agreed.body).toContain("Claude agrees (code, confidence high)");
    h.model.setScript(ciFailureScript());
    const sure = await triage(config);
    expect(sure.claude).toBe(0);
    expect(sure.body).not.toContain("Second opinion");
  }, 300_000);
});

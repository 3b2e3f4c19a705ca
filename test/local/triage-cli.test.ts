// `codex-dispatch triage --log` as a user runs it: a gzipped GitHub Actions log (timestamps, colours, CRLF), the
// App's reducer and triage prompt, the real codex binary with the user's own login against the scripted model.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { triageReportJsonSchema, type TriageReport } from "../../src/agent/report.js";
import { promptOf, startLocalRig, USER_KEY, type LocalRig } from "../helpers/local-cli.js";

const report: TriageReport = {
  summary: "test_add fails: add subtracts",
  root_cause: "src/add.js returns a - b.",
  classification: "code",
  confidence: "high",
  evidence: [{ log_line: "AssertionError: expected 5, got -1", explanation: "the sum is a difference" }],
  locations: [{ path: "src/add.js", line: 2, message: "minus instead of plus" }],
  suggested_fix: "Return a + b.",
  fixable: true,
  failing_tests: ["test/add.test.js > add"],
};

function actionsLog(): string {
  const t = (i: number) => `2026-11-30T10:00:${String(i % 60).padStart(2, "0")}.1234567Z `;
  const lines = ["##[group]Run npm test", "\u001b[36;1mnpm test\u001b[0m", "##[endgroup]"];
  for (let i = 0; i < 400; i++) lines.push(`ok ${i} - case ${i}`);
  lines.push("FAIL test/add.test.js > add", "AssertionError: expected 5, got -1", "    at test/add.test.js:4:10");
  lines.push("##[error]Process completed with exit code 1.");
  return lines.map((l, i) => t(i) + l).join("\r\n") + "\r\n";
}

let rig: LocalRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe("codex-dispatch triage --log", () => {
  it("in the repository: the reduced excerpt goes fenced into the triage prompt, the report is printed", async () => {
    rig = await startLocalRig([{ kind: "message", text: JSON.stringify(report) }]);
    const log = path.join(rig.root, "job-logs.txt.gz");
    writeFileSync(log, gzipSync(actionsLog()));
    const r = await rig.cli(["triage", "--log", log]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("test_add fails: add subtracts\n\nRoot cause (code, high confidence): src/add.js returns a - b.");
    expect(r.stdout).toContain("Locations:\n  src/add.js:2  minus instead of plus");
    expect(r.stdout).toContain("Suggested fix (small and clear): Return a + b.");

    const first = rig.model.requests[0];
    expect(first?.authorization).toBe(`Bearer ${USER_KEY}`);
    expect(first?.body.text.format).toMatchObject({ schema: triageReportJsonSchema() });
    const prompt = JSON.parse(promptOf(first?.body)) as unknown;
    const text = JSON.stringify(prompt);
    expect(text).toMatch(/You are triaging a failed CI run of project at commit [0-9a-f]{40}/);
    // The excerpt: fenced, reduced (the 400 passing lines are not all there), timestamps and colours gone.
    const fenced = /Log excerpt of job 1[^`]*```+text\\n([\s\S]*?)\\n```/.exec(text);
    expect(fenced?.[1]).toContain("AssertionError: expected 5, got -1");
    expect(fenced?.[1]).not.toContain("2026-11-30T10");
    expect(fenced?.[1]).not.toContain("\\u001b");
    expect(text).not.toContain("ok 200 - case 200");
    expect(rig.extraWorktrees()).toEqual([]);
    expect(await rig.leftovers()).toEqual([]);
  }, 120_000);

  it("outside any repository (log on stdin): the agent works in an empty folder, --json parses", async () => {
    rig = await startLocalRig([{ kind: "message", text: JSON.stringify(report) }]);
    const r = await rig.cli(["triage", "--log", "-", "--json"], { cwd: rig.outside, input: actionsLog() });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(out).toMatchObject({ ok: true, report, checkout: null, agent: "codex" });
    const text = promptOf(rig.model.requests[0]?.body);
    expect(text).toContain("There is no checkout: the current directory");
    expect(text).toContain("AssertionError: expected 5, got -1");
    expect(await rig.leftovers()).toEqual([]);
  }, 120_000);

  it("usage errors exit 2: no --log, a missing file, --repo outside a repository", async () => {
    rig = await startLocalRig([]);
    expect((await rig.cli(["triage"])).code).toBe(2);
    expect((await rig.cli(["triage", "--log", path.join(rig.root, "nope.log")])).code).toBe(2);
    const log = path.join(rig.root, "a.log");
    writeFileSync(log, actionsLog());
    const r = await rig.cli(["triage", "--log", log, "--repo", rig.outside]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`triage: ${rig.outside} is not inside a git repository`);
    expect(rig.model.requests).toEqual([]);
  }, 120_000);
});

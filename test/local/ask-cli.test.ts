// `codex-dispatch ask` as a user runs it: the built CLI, the real codex binary, their own ~/.codex/config.toml
// and key (pointing at the scripted model), a real git repository of theirs.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { ScriptStep } from "../../demo/scripted-model.js";
import { explainReportJsonSchema, type ExplainReport } from "../../src/agent/explain-report.js";
import { fixReportJsonSchema, type FixReport } from "../../src/agent/fix-report.js";
import { pidsMatching, waitFor } from "../helpers/codex.js";
import { promptOf, startLocalRig, USER_KEY, type LocalRig } from "../helpers/local-cli.js";

const explain: ExplainReport = {
  answer: "`add` subtracts: see `src/add.js:2`.",
  references: [{ path: "src/add.js", line: 2, note: "the subtraction" }],
  commits: [{ sha: "0123abc", pull_request: 7, note: "made add subtract" }],
};
const fixReport: FixReport = {
  summary: "Make add add",
  root_cause: "add used minus.",
  changes: "src/add.js: plus instead of minus.",
  tests: [{ command: "node -e 1", outcome: "not-run", note: "" }],
  confidence: "high",
  follow_up: "",
};
const fixPatch = "*** Begin Patch\n*** Update File: src/add.js\n@@\n-  return a - b;\n+  return a + b;\n*** End Patch\n";
const steps = (...s: ScriptStep[]) => s;

let rig: LocalRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe("codex-dispatch ask", () => {
  it("answers with the user's own login: the explain prompt and schema reach their endpoint, the answer and references are printed", async () => {
    rig = await startLocalRig(steps({ kind: "message", text: JSON.stringify(explain) }));
    const r = await rig.cli(["ask", "Why does add give wrong results?"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("`add` subtracts: see `src/add.js:2`.");
    expect(r.stdout).toMatch(/References:\n {2}src\/add\.js:2 {2}the subtraction/);
    expect(r.stdout).toMatch(/Commits:\n {2}0123abc \(#7\) {2}made add subtract/);
    const [first] = rig.model.requests;
    // The user's own key from their environment, sent by codex to the provider their config.toml names.
    expect(first?.authorization).toBe(`Bearer ${USER_KEY}`);
    expect(first?.body.text.format).toMatchObject({ type: "json_schema", schema: explainReportJsonSchema() });
    const prompt = promptOf(first?.body);
    expect(prompt).toContain("a local checkout on its owner's machine");
    expect(prompt).toContain("Your task: answer the maintainer's question below");
    expect(prompt).toContain("Why does add give wrong results?");
    expect(prompt).toMatch(/The checkout is at commit [0-9a-f]{40} \(HEAD of the local repository\)/);
    expect(rig.extraWorktrees()).toEqual([]);
    expect(await rig.leftovers()).toEqual([]);
  }, 120_000);

  it("reads the task from stdin, notes a dirty tree, and --json prints one object", async () => {
    rig = await startLocalRig(steps({ kind: "message", text: JSON.stringify(explain) }));
    writeFileSync(path.join(rig.repo, "src/add.js"), "// uncommitted\n");
    const r = await rig.cli(["ask", "--json"], { input: "What does add do?\n" });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^note: the working tree has uncommitted changes/);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(out).toMatchObject({ ok: true, report: explain, agent: "codex" });
    expect(out.tokens).toMatchObject({ inputTokens: expect.any(Number) });
    expect(out.durationMs).toEqual(expect.any(Number));
    expect(out).not.toHaveProperty("diff");
    expect(promptOf(rig.model.requests[0]?.body)).toContain("What does add do?");
  }, 120_000);

  it("refuses outside a git repository with one line and exit code 2, and bad usage with 2", async () => {
    rig = await startLocalRig(steps({ kind: "message", text: JSON.stringify(explain) }));
    const r = await rig.cli(["ask", "anything"], { cwd: rig.outside });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`ask: ${rig.outside} is not inside a git repository`);
    expect((await rig.cli(["ask", "--apply", "x"])).code).toBe(2);
    expect((await rig.cli(["ask", "--agent", "gpt", "x"])).code).toBe(2);
    expect((await rig.cli(["ask"], { input: "  " })).code).toBe(2);
    expect(rig.model.requests).toEqual([]);
  }, 120_000);

  it("--write prints the report and the diff (new files too) and leaves the tree alone; --apply applies it", async () => {
    const addFile = "*** Begin Patch\n*** Add File: src/sum.js\n+export const sum = 1;\n*** End Patch\n";
    rig = await startLocalRig(
      steps({ kind: "patch", patch: fixPatch }, { kind: "patch", patch: addFile }, { kind: "message", text: JSON.stringify(fixReport) }),
    );
    const r = await rig.cli(["ask", "--write", "make add add"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Make add add\n\nRoot cause: add used minus.");
    expect(r.stdout).toContain("Policy: 2 file(s), 3 line(s) changed; the diff passes the policy.");
    expect(r.stdout).toContain("-  return a - b;\n+  return a + b;");
    expect(r.stdout).toContain("+++ b/src/sum.js");
    expect(readFileSync(path.join(rig.repo, "src/add.js"), "utf8")).toContain("a - b");
    const first = rig.model.requests[0];
    expect(first?.body.text.format).toMatchObject({ schema: fixReportJsonSchema() });
    expect(promptOf(first?.body)).toContain("You are drafting a small, reviewable change to project.");

    const applied = await rig.cli(["ask", "--write", "--apply", "make add add"]);
    expect(applied.code).toBe(0);
    expect(applied.stderr).toContain(`Applied to ${rig.repo}`);
    expect(readFileSync(path.join(rig.repo, "src/add.js"), "utf8")).toContain("return a + b;");
    expect(readFileSync(path.join(rig.repo, "src/sum.js"), "utf8")).toBe("export const sum = 1;\n");
    expect(rig.extraWorktrees()).toEqual([]);
    expect(await rig.leftovers()).toEqual([]);
  }, 120_000);

  it("--apply refuses clearly when the diff does not apply to the user's tree", async () => {
    rig = await startLocalRig(steps({ kind: "patch", patch: fixPatch }, { kind: "message", text: JSON.stringify(fixReport) }));
    writeFileSync(path.join(rig.repo, "src/add.js"), "rewritten by the user\n");
    const r = await rig.cli(["ask", "--write", "--apply", "make add add"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/ask: not applied: .*src\/add\.js/);
    expect(readFileSync(path.join(rig.repo, "src/add.js"), "utf8")).toBe("rewritten by the user\n");
  }, 120_000);

  it("an agent that crashes mid-run: exit 1, the reason printed, the throw-away worktree gone", async () => {
    rig = await startLocalRig(steps({ kind: "patch", patch: fixPatch }, { kind: "fail", message: "the model fell over" }));
    const r = await rig.cli(["ask", "--write", "--apply", "make add add"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("the model fell over");
    expect(readFileSync(path.join(rig.repo, "src/add.js"), "utf8")).toContain("a - b");
    expect(rig.extraWorktrees()).toEqual([]);
    expect(await rig.leftovers()).toEqual([]);
    expect(existsSync(path.join(rig.repo, ".git/worktrees"))).toBe(false);
  }, 120_000);

  it("Ctrl-C while the agent works: codex is stopped, exit 1, the throw-away worktree and scratch are gone", async () => {
    rig = await startLocalRig(steps({ kind: "hang" }));
    const child = rig.start(["ask", "--write", "make add add"]);
    const model = rig.model;
    await waitFor(() => model.requests.length > 0, 30_000);
    expect(rig.extraWorktrees()).toHaveLength(1);
    child.kill("SIGINT");
    const r = await child;
    expect(r.exitCode).toBe(1);
    expect(String(r.stderr)).toMatch(/codex cancelled: codex was cancelled/);
    expect(rig.extraWorktrees()).toEqual([]);
    expect(await rig.leftovers()).toEqual([]);
    expect(await pidsMatching(rig.root)).toEqual([]);
  }, 120_000);
});

import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli.js";

type AnyJson = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on("data", (c: Buffer) => out.push(c));
  stderr.on("data", (c: Buffer) => err.push(c));
  const code = await main(args, { stdout, stderr });
  return { code, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") };
}

describe("codex-dispatch demo", () => {
  it("--scenario issue-fix --json prints one draft PR on a codex/ branch that says Fixes #N with the hand-off block", async () => {
    const { code, stdout } = await runCli(["demo", "--scenario", "issue-fix", "--json"]);
    expect(code).toBe(0);
    const github = JSON.parse(stdout) as AnyJson;
    expect(Object.keys(github).sort()).toEqual(["branches", "checkRuns", "comments", "commits", "issues", "pullRequests", "reactions"]);
    expect(github.pullRequests).toHaveLength(1);
    const [pr] = github.pullRequests;
    expect(pr.draft).toBe(true);
    expect(pr.head.ref).toMatch(/^codex\//);
    expect(pr.body).toMatch(/Fixes #\d+/);
    expect(pr.body).toContain("```json");
    expect((github.branches as AnyJson[]).map((b) => b.name)).toContain(pr.head.ref);
  }, 120_000);

  it("--scenario ci-failure prints the comment and the check run for people", async () => {
    const { code, stdout } = await runCli(["demo", "--scenario", "ci-failure"]);
    expect(code).toBe(0);
    expect(stdout).toContain("Comment on #");
    expect(stdout).toContain('Check run "Codex triage" (neutral)');
    expect(stdout).toContain("Root cause");
  }, 120_000);

  it("--scenario command --json shows the 👀 reaction and one sticky comment", async () => {
    const { code, stdout } = await runCli(["demo", "--scenario", "command", "--json"]);
    expect(code).toBe(0);
    const github = JSON.parse(stdout) as AnyJson;
    expect((github.reactions as AnyJson[]).map((r) => r.content)).toEqual(expect.arrayContaining(["eyes", "rocket"]));
    const fromBot = (github.comments as AnyJson[]).filter((c) => c.user.type === "Bot" && String(c.issue_url).endsWith("/issues/1"));
    expect(fromBot).toHaveLength(1);
    expect(fromBot[0].body).toContain("<!-- codex-dispatch:work:");
  }, 120_000);

  it("--scenario maintenance --json shows one draft PR on codex/maintenance/docs-sync with two commits", async () => {
    const { code, stdout } = await runCli(["demo", "--scenario", "maintenance", "--json"]);
    expect(code).toBe(0);
    const github = JSON.parse(stdout) as AnyJson;
    expect(github.pullRequests).toHaveLength(1);
    const [pr] = github.pullRequests;
    expect(pr.draft).toBe(true);
    expect(pr.head.ref).toBe("codex/maintenance/docs-sync");
    // The second run's commit sits on the first's, which sits on main: one PR, two commits.
    const commits = github.commits as AnyJson[];
    expect(commits).toHaveLength(2);
    expect(commits[1].parents.map((p: AnyJson) => p.sha)).toEqual([commits[0].sha]);
    expect(pr.head.sha).toBe(commits[1].sha);
    // The dashboard issue lists the task with its last run's PR and a run-now box.
    const dashboards = (github.issues as AnyJson[]).filter((i) => String(i.body).includes("<!-- codex-dispatch:dashboard -->"));
    expect(dashboards).toHaveLength(1);
    expect(dashboards[0].title).toBe("Codex dispatch dashboard");
    expect(dashboards[0].body).toMatch(/\| `docs-sync` \| `0 3 \* \* 1` UTC \|[^\n]*\| #1 \|/);
    expect(dashboards[0].body).toContain("- [ ] Run docs-sync now <!-- codex-dispatch:run:docs-sync -->");
  }, 120_000);

  it("--scenario second-opinion shows Codex's unsure triage and Claude's opinion in the one comment, both real CLIs offline", async () => {
    const { code, stdout } = await runCli(["demo", "--scenario", "second-opinion"]);
    expect(code).toBe(0);
    expect(stdout).toContain("Scenario second-opinion:");
    expect(stdout).toContain("confidence low");
    expect(stdout).toContain("**Second opinion**");
    expect(stdout).toContain("Claude agrees (code, confidence high)");
    expect(stdout).toMatch(
      /Second opinion: Claude \(`claude-sonnet-5`; chosen by triage\.second_opinion: Codex's confidence was low\) · [\d,]+ tokens/,
    );
  }, 120_000);

  it("--scenario race --json: both agents attempted the fix; one draft PR with the winner's change and the race in its body", async () => {
    const { code, stdout } = await runCli(["demo", "--scenario", "race", "--json"]);
    expect(code).toBe(0);
    const github = JSON.parse(stdout) as AnyJson;
    expect(github.pullRequests).toHaveLength(1);
    const [pr] = github.pullRequests;
    expect(pr.draft).toBe(true);
    expect(pr.body).toContain("### The race");
    expect(pr.body).toContain("Codex's change won: a smaller diff (2 lines against 3)");
    expect(pr.body).toMatch(/The other attempt \(Claude\): turned the verify command from failing to passing/);
  }, 180_000);

  it("--scenario plan prints the fan-out: three draft PRs on codex/plan/ branches, the checklist and one summary", async () => {
    const { code, stdout } = await runCli(["demo", "--scenario", "plan"]);
    expect(code).toBe(0);
    expect(stdout.match(/── Pull request #\d+ \(draft\)/g)).toHaveLength(3);
    expect(stdout).toMatch(/codex\/plan\/1-3 → codex\/plan\/1-1/);
    expect(stdout).toContain("### Plan finished");
    expect(stdout).toMatch(/\| 1 \| Make sum add its arguments \| 🔗 PR #\d+/);
    expect(stdout).toMatch(/\| 4 \| Port the calculator to COBOL \| ❌ failed: /);
    expect(stdout).toContain("is ready for review: 3 draft pull requests, 1 failed");
    expect(stdout).toContain("@claude review");
  }, 300_000);

  it("refuses an unknown scenario and an unknown command with a clear message", async () => {
    const bad = await runCli(["demo", "--scenario", "nope"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Unknown scenario "nope"');
    const unknown = await runCli(["frobnicate"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown command "frobnicate"');
  });
});

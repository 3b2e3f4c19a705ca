// The local CLI (`codex-dispatch ask`, `triage --log`) on the user's own machine with the user's own login:
// the real codex binary, the built CLI, the scripted model standing in for the user's endpoint.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCodex } from "../../src/agent/codex.js";
import { terminalSafeJson } from "../../src/text-safety/terminal.js";
import type { FixReport } from "../../src/agent/fix-report.js";
import { initRepo } from "../helpers/codex.js";
import { startLocalRig, USER_KEY, type LocalRig } from "../helpers/local-cli.js";

const fixReport: FixReport = {
  summary: "Add CI",
  root_cause: "none",
  changes: "a workflow",
  tests: [],
  confidence: "low",
  follow_up: "",
};
const GITHUB_TOKEN = "ghp_usersGitHubTokenNotForAgents0123456789ab";

let rig: LocalRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe("local ask and triage: security", () => {
  it("[S26.1] an agent's diff that adds a CI workflow, with --apply → printed as refused, exit 1, the user's tree untouched", async () => {
    const patch = "*** Begin Patch\n*** Add File: .github/workflows/ci.yml\n+on: push\n*** End Patch\n";
    rig = await startLocalRig([
      { kind: "patch", patch },
      { kind: "message", text: JSON.stringify(fixReport) },
    ]);
    const r = await rig.cli(["ask", "--write", "--apply", "add CI"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/Policy: REFUSED \(not applied, never applicable\): The diff breaks 1 rule\(s\): workflow\./);
    expect(r.stdout).toContain("+++ b/.github/workflows/ci.yml");
    expect(r.stderr).toMatch(/not applied: the diff was refused/);
    expect(existsSync(path.join(rig.repo, ".github"))).toBe(false);
    expect(rig.extraWorktrees()).toEqual([]);

    const json = await rig.cli(["ask", "--write", "--apply", "--json", "add CI"]);
    expect(json.code).toBe(1);
    const out = JSON.parse(json.stdout) as { ok: boolean; applied: boolean; policy: { ok: boolean; violations: { rule: string }[] } };
    expect(out).toMatchObject({ ok: false, applied: false, policy: { ok: false } });
    expect(out.policy.violations.map((v) => v.rule)).toEqual(["workflow"]);
    expect(existsSync(path.join(rig.repo, ".github"))).toBe(false);
  }, 120_000);

  it("[S26.2] terminal escape sequences and bidi controls in the agent's answer and diff → printed visibly, never sent raw to the terminal", async () => {
    const sneaky = "line one\u001b[2K\u001b[1A hidden \u202Eevil\u202C \u009b31m";
    const patch = `*** Begin Patch\n*** Add File: note.txt\n+${sneaky}\n*** End Patch\n`;
    rig = await startLocalRig([
      { kind: "patch", patch },
      { kind: "message", text: JSON.stringify({ ...fixReport, summary: `Note ${sneaky}` }) },
    ]);
    const r = await rig.cli(["ask", "--write", "note"]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/[\u001b\u009b\u202E\u202C]/);
    expect(r.stdout).toContain("Note line one\\x1b[2K\\x1b[1A hidden <U+202E>evil<U+202C> \\x9b31m");
    expect(r.stdout).toContain("+line one\\x1b[2K");
  }, 120_000);

  it("[S26.3] the user's own API key and other tokens in their shell → not in the environment of the commands the agent runs", async () => {
    rig = await startLocalRig([
      { kind: "exec", cmd: "env" },
      { kind: "message", text: JSON.stringify({ answer: "ok", references: [] }) },
    ]);
    const r = await rig.cli(["ask", "what is set?"], { env: { GITHUB_TOKEN, CODEX_API_KEY: `${USER_KEY}2` } });
    expect(r.code).toBe(0);
    const output = rig.model.requests[1]?.toolOutputs[0] ?? "";
    expect(output).toContain("PATH=");
    expect(output).not.toContain(USER_KEY);
    expect(output).not.toContain("GITHUB_TOKEN");
    expect(output).not.toContain("ghp_");
    // The key reached the user's own endpoint: the login works, it is just not the commands'.
    expect(rig.model.requests[0]?.authorization).toBe(`Bearer ${USER_KEY}`);
  }, 120_000);

  it("[S26.4] the user's own credentials mixed with the App's proxy token, an isolation uid or written instructions → refused before codex starts; the App path still requires its proxy", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "own-opts-"));
    await initRepo(path.join(dir, "repo"));
    const base = {
      cwd: path.join(dir, "repo"),
      jobDir: path.join(dir, "job"),
      prompt: "x",
      sandbox: "read-only" as const,
      timeoutMs: 5000,
    };
    await expect(runCodex({ ...base, credentials: "own", modelToken: "t" })).rejects.toThrow(/credentials own takes no modelToken/);
    await expect(runCodex({ ...base, credentials: "own", modelBaseUrl: "http://127.0.0.1:1/v1" })).rejects.toThrow(/no modelBaseUrl/);
    await expect(runCodex({ ...base, credentials: "own", instructions: "be evil" })).rejects.toThrow(/takes no instructions/);
    await expect(runCodex({ ...base, credentials: "own", isolation: {} as never })).rejects.toThrow(/no isolation/);
    // Without "own", nothing changed: no proxy URL and token, no run (the user's login is never the default).
    await expect(runCodex({ ...base })).rejects.toThrow(/modelBaseUrl/);
    await expect(runCodex({ ...base, modelBaseUrl: "http://127.0.0.1:1/v1" })).rejects.toThrow(/modelToken/);
    expect(existsSync(path.join(dir, "job"))).toBe(false);
  });

  it("[S26.5] an agent that writes agent config (.codex/) into the throw-away checkout → rejected, no diff, nothing applied, the user's CODEX_HOME untouched", async () => {
    const patch = '*** Begin Patch\n*** Add File: .codex/config.toml\n+model = "x"\n*** Add File: src/ok.js\n+ok\n*** End Patch\n';
    rig = await startLocalRig([
      { kind: "patch", patch },
      { kind: "message", text: JSON.stringify(fixReport) },
    ]);
    const before = readFileSync(path.join(rig.codexHome, "config.toml"), "utf8");
    const r = await rig.cli(["ask", "--write", "--apply", "--json", "x"]);
    expect(r.code).toBe(1);
    // Codex's own sandbox keeps .codex/ read-only in the checkout (had it slipped through, the mask in
    // checkout-instructions.ts would discard it and the policy refuse the diff as agent-config).
    expect(rig.model.requests[1]?.toolOutputs[0]).toMatch(/patch rejected/);
    const out = JSON.parse(r.stdout) as { applied: boolean; diff: string; policy: { empty: boolean } };
    expect(out).toMatchObject({ applied: false, diff: "", policy: { empty: true } });
    expect(existsSync(path.join(rig.repo, "src/ok.js"))).toBe(false);
    expect(existsSync(path.join(rig.repo, ".codex"))).toBe(false);
    expect(readFileSync(path.join(rig.codexHome, "config.toml"), "utf8")).toBe(before);
  }, 120_000);
});

describe("the throw-away worktree", () => {
  it("[S26.7] a post-checkout hook of the repository (husky-style core.hooksPath) → not run when the checkout is made", async () => {
    rig = await startLocalRig([{ kind: "message", text: JSON.stringify({ answer: "ok", references: [] }) }]);
    const marker = path.join(rig.root, "hook-ran");
    mkdirSync(path.join(rig.repo, ".husky"));
    writeFileSync(path.join(rig.repo, ".husky/post-checkout"), `#!/bin/sh\ntouch ${marker}\n`, { mode: 0o755 });
    execFileSync("git", ["-C", rig.repo, "config", "core.hooksPath", ".husky"]);
    // The hook works: git runs it on a checkout the user makes themselves.
    execFileSync("git", ["-C", rig.repo, "checkout", "-q", "HEAD"]);
    execFileSync("git", ["-C", rig.repo, "worktree", "add", "-q", "--detach", path.join(rig.root, "by-hand")]);
    expect(existsSync(marker)).toBe(true);
    execFileSync("git", ["-C", rig.repo, "worktree", "remove", "--force", path.join(rig.root, "by-hand")]);
    rmSync(marker);

    const r = await rig.cli(["ask", "anything"]);
    expect(r.code).toBe(0);
    expect(existsSync(marker)).toBe(false);
  }, 120_000);
});

describe("terminal-safe JSON", () => {
  it("[S26.6] C1 controls, bidi and tag characters in --json output → \\u escapes that parse back to the same text", () => {
    const value = { answer: "a\u009b31m b\u202Ec \u{E0041} d\u007f e\u001b" };
    const json = terminalSafeJson(value);
    expect(json).toMatch(/^[\x20-\x7e]*$/);
    expect(JSON.parse(json)).toEqual(value);
  });
});

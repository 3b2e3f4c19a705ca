import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ownClaudeEnv, ownCodexEnv, ownSecrets } from "../../src/agent/own-credentials.js";

// The environment of a local run with the user's own login: an allow-list, not the user's whole shell.
describe("own credentials", () => {
  it("codex gets the user's HOME, CODEX_HOME (default ~/.codex, created) and key variables, and nothing else of theirs", async () => {
    const home = await mkdtemp(path.join(tmpdir(), "own-home-"));
    const from = {
      PATH: "/bin",
      HOME: home,
      OPENAI_API_KEY: "sk-a",
      GITHUB_TOKEN: "ghp_x",
      AWS_SECRET_ACCESS_KEY: "y",
      HTTPS_PROXY: "http://p:3128",
    };
    const env = await ownCodexEnv("/tmp/t", from);
    expect(env).toEqual({
      PATH: "/bin",
      HOME: home,
      LANG: "C.UTF-8",
      TMPDIR: "/tmp/t",
      HTTPS_PROXY: "http://p:3128",
      CODEX_HOME: path.join(home, ".codex"),
      OPENAI_API_KEY: "sk-a",
    });
    expect((await stat(path.join(home, ".codex"))).isDirectory()).toBe(true);
    // An explicit CODEX_HOME wins over ~/.codex.
    expect((await ownCodexEnv("/tmp/t", { ...from, CODEX_HOME: path.join(home, "custom") })).CODEX_HOME).toBe(path.join(home, "custom"));
    await rm(home, { recursive: true, force: true });
  });

  it("Claude gets the user's HOME, config dir and Anthropic variables; the keys are what gets redacted", () => {
    const env = ownClaudeEnv("/tmp/t", {
      HOME: "/home/u",
      CLAUDE_CONFIG_DIR: "/home/u/.cc",
      ANTHROPIC_API_KEY: "sk-ant-x",
      GH_TOKEN: "g",
      ANTHROPIC_BASE_URL: "https://gw",
    });
    expect(env).toMatchObject({
      HOME: "/home/u",
      CLAUDE_CONFIG_DIR: "/home/u/.cc",
      ANTHROPIC_API_KEY: "sk-ant-x",
      ANTHROPIC_BASE_URL: "https://gw",
    });
    expect(env).not.toHaveProperty("GH_TOKEN");
    expect(ownSecrets(env)).toEqual(["sk-ant-x"]);
  });
});

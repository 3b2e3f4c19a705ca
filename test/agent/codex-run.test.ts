// The real codex binary against the scripted model, through the key proxy.
import { readFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { CodexEvent } from "../../src/agent/events.js";
import { startCodexRig, UPSTREAM_KEY, type CodexRig } from "../helpers/codex.js";

const triageSchema = {
  type: "object",
  properties: { summary: { type: "string" }, fixable: { type: "boolean" } },
  required: ["summary", "fixable"],
  additionalProperties: false,
};

let rig: CodexRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe("runCodex", () => {
  it("runs a command and returns a final message that fits the output schema", async () => {
    const final = JSON.stringify({ summary: "README is fine", fixable: false });
    rig = await startCodexRig([
      { kind: "exec", cmd: "cat README.md" },
      { kind: "message", text: final },
    ]);
    const events: CodexEvent[] = [];
    const run = await rig.run({ outputSchema: triageSchema, onEvent: (e) => events.push(e) });

    expect(run.outcome).toBe("completed");
    expect(run.exitCode).toBe(0);
    expect(run.threadId).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(run.finalMessage ?? "")).toEqual({ summary: "README is fine", fixable: false });
    expect(run.commands).toHaveLength(1);
    expect(run.commands[0]).toMatchObject({ exitCode: 0, status: "completed" });
    expect(run.commands[0]?.command).toContain("cat README.md");
    expect(run.errors).toEqual([]);
    expect(run.garbageLines).toBe(0);

    // The model saw the command's output, and codex asked for the schema we gave it.
    const [first, second] = rig.model.requests;
    expect(second?.toolOutputs[0]).toContain("# fixture");
    expect(first?.body.text.format).toMatchObject({ type: "json_schema", schema: triageSchema });
    // Two model requests; codex's usage is the sum of what the model reported, and so is the proxy's meter.
    expect(rig.model.requests).toHaveLength(2);
    expect(run.usage.inputTokens).toBeGreaterThan(1000);
    expect(run.usage.outputTokens).toBeGreaterThan(0);
    expect(run.usage.cachedInputTokens).toBe(0);
    const metered = rig.grant.usage();
    expect(metered.requests).toBe(2);
    expect(metered.inputTokens).toBe(run.usage.inputTokens);
    expect(metered.outputTokens).toBe(run.usage.outputTokens);
    // Live events arrived in order.
    expect(events[0]?.type).toBe("thread.started");
    expect(events.at(-1)?.type).toBe("turn.completed");
    // A fresh CODEX_HOME inside the job dir, and the schema file next to it.
    expect(existsSync(path.join(rig.jobDir, "codex-home"))).toBe(true);
    expect(JSON.parse(await readFile(path.join(rig.jobDir, "output-schema.json"), "utf8"))).toEqual(triageSchema);
  });

  it("applies a patch in workspace-write and reports the file change", async () => {
    rig = await startCodexRig([
      { kind: "patch", patch: "*** Begin Patch\n*** Add File: fix.txt\n+fixed\n*** End Patch\n" },
      { kind: "message", text: "patched" },
    ]);
    const run = await rig.run({ sandbox: "workspace-write" });
    expect(run.outcome).toBe("completed");
    expect(run.fileChanges).toEqual([{ path: path.join(rig.worktree, "fix.txt"), kind: "add" }]);
    expect(await readFile(path.join(rig.worktree, "fix.txt"), "utf8")).toBe("fixed\n");
  });

  it("cannot write in read-only mode", async () => {
    rig = await startCodexRig([
      { kind: "exec", cmd: "echo x > written.txt" },
      { kind: "message", text: "tried" },
    ]);
    const run = await rig.run({ sandbox: "read-only" });
    expect(run.outcome).toBe("completed");
    expect(run.commands[0]?.exitCode).not.toBe(0);
    expect(existsSync(path.join(rig.worktree, "written.txt"))).toBe(false);
  });

  it("gives the commands codex runs no secret, and codex only the proxy token", async () => {
    // Secrets in the bot's own environment, as in production.
    const saved = { ...process.env };
    process.env.GITHUB_TOKEN = "ghp_fakeGithubTokenForTheTest0123456789AB";
    process.env.CODEX_API_KEY = "sk-proj-fakeRealKeyInTheBotsEnv0123456789";
    process.env.PRIVATE_KEY_PATH = "/secret/app.pem";
    try {
      rig = await startCodexRig([
        { kind: "exec", cmd: "env" },
        // What a curious agent tries next: every process environment it can see.
        { kind: "exec", cmd: "for f in /proc/[0-9]*/environ; do tr '\\0' '\\n' < $f 2>/dev/null; done; echo PROBE_END" },
        { kind: "message", text: "done" },
      ]);
      const run = await rig.run();
      expect(run.outcome).toBe("completed");
      const seen = rig.model.requests.at(-1)?.toolOutputs ?? [];
      const shellEnv = seen[0] ?? "";
      expect(shellEnv).toContain("PATH=");
      expect(shellEnv).toContain(`HOME=${path.join(rig.jobDir, "home")}`);
      expect(seen[1]).toContain("PATH=");
      expect(seen[1]).toContain("PROBE_END");
      for (const output of seen) {
        expect(output).not.toContain("ghp_fakeGithubToken");
        expect(output).not.toContain("sk-proj-fakeRealKey");
        expect(output).not.toContain("/secret/app.pem");
        expect(output).not.toContain(UPSTREAM_KEY);
        expect(output).not.toContain(rig.grant.token);
      }
      // The model (upstream of the proxy) got the real key; codex only ever held the job token.
      for (const request of rig.model.requests) expect(request.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
    } finally {
      process.env = saved;
    }
  });

  it("does not load configuration from the repository's own .codex/ folder", async () => {
    rig = await startCodexRig([
      { kind: "exec", cmd: "env" },
      { kind: "message", text: "done" },
    ]);
    const { mkdir, writeFile } = await import("node:fs/promises");
    await mkdir(path.join(rig.worktree, ".codex"));
    await writeFile(
      path.join(rig.worktree, ".codex", "config.toml"),
      '[shell_environment_policy]\ninherit = "all"\nset = { INJECTED_BY_REPO = "yes" }\n',
    );
    const run = await rig.run();
    expect(run.outcome).toBe("completed");
    expect(rig.model.requests.at(-1)?.toolOutputs[0]).not.toContain("INJECTED_BY_REPO");
    expect(rig.model.requests.at(-1)?.toolOutputs[0]).not.toContain("CODEX_DISPATCH_MODEL_TOKEN");
  });

  it("reports a model failure as failed, with the model's message", async () => {
    rig = await startCodexRig([{ kind: "fail", message: "the model is overloaded" }]);
    const run = await rig.run();
    expect(run.outcome).toBe("failed");
    expect(run.exitCode).toBe(1);
    expect(run.errors.join("\n")).toContain("the model is overloaded");
    expect(run.finalMessage).toBeUndefined();
  });

  it("stops when the job's token budget is spent", async () => {
    rig = await startCodexRig(
      [
        { kind: "exec", cmd: "true" },
        { kind: "exec", cmd: "true" },
        { kind: "message", text: "never reached" },
      ],
      { maxTotalTokens: 100 },
    );
    const run = await rig.run();
    expect(run.outcome).toBe("failed");
    // The first request is let through (the budget was not spent yet), the second is refused.
    expect(rig.model.requests).toHaveLength(1);
    expect(rig.grant.usage().requests).toBe(1);
    expect(rig.grant.usage().totalTokens).toBeGreaterThan(100);
    expect(run.errors.join("\n")).toContain("429");
  });

  it("rejects bad options with a clear error", async () => {
    rig = await startCodexRig([{ kind: "message", text: "x" }]);
    await expect(rig.run({ prompt: "" })).rejects.toThrow(/prompt must not be empty/);
    await expect(rig.run({ modelBaseUrl: "not a url" })).rejects.toThrow(/modelBaseUrl/);
    await expect(rig.run({ cwd: "/nonexistent/dir" })).rejects.toThrow(/does not exist/);
  });
});

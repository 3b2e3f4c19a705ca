// The real Claude Code binary against the scripted Messages API, through the real key proxy.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { AgentEvent } from "../../src/agent/agent.js";
import { parseTriageReport, triageReportJsonSchema, type TriageReport } from "../../src/agent/report.js";
import { bash, structured, write } from "../../demo/scripted-messages.js";
import { ANTHROPIC_UPSTREAM_KEY, startClaudeRig, type ClaudeRig } from "../helpers/claude.js";

/** A triage answer that fits TriageReportSchema; a new required field is one line here. */
export function triageAnswer(overrides: Partial<TriageReport> = {}): TriageReport {
  return {
    summary: "README is fine",
    root_cause: "Nothing is broken in README.md.",
    classification: "unknown",
    confidence: "low",
    evidence: [],
    locations: [{ path: "README.md", line: 1, message: "the title" }],
    suggested_fix: "",
    fixable: false,
    failing_tests: [],
    ...overrides,
  };
}

let rig: ClaudeRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe("runClaude", () => {
  it("read-only triage: reads a file and returns a structured answer that fits TriageReportSchema", async () => {
    rig = await startClaudeRig([{ kind: "tool", name: "Read", input: { file_path: "README.md" } }, structured(triageAnswer())]);
    rig.model.setScript([
      { kind: "tool", name: "Read", input: { file_path: path.join(rig.worktree, "README.md") } },
      structured(triageAnswer()),
    ]);
    const events: AgentEvent[] = [];
    const run = await rig.run({
      outputSchema: triageReportJsonSchema(),
      instructions: "TRUSTED-GUIDE: be brief.",
      onEvent: (e) => events.push(e),
    });

    expect(run.agent).toBe("claude");
    expect(run.outcome).toBe("completed");
    expect(run.exitCode).toBe(0);
    expect(run.errors).toEqual([]);
    const parsed = parseTriageReport(run.finalMessage);
    expect(parsed).toEqual({ ok: true, report: triageAnswer() });
    expect(run.threadId).toMatch(/^[0-9a-f-]{36}$/);
    // The model saw the file, was offered only the read tools and the structured-output tool, and got the
    // trusted instructions in its system prompt.
    const [first, second] = rig.model.requests;
    expect(second?.toolResults[0]).toContain("# fixture");
    const tools = (first?.body.tools as { name: string }[]).map((t) => t.name).sort();
    expect(tools).toEqual(["Glob", "Grep", "Read", "StructuredOutput"]);
    expect(JSON.stringify(first?.body.system)).toContain("TRUSTED-GUIDE: be brief.");
    // Only the proxy's credential reached the model; the CLI held the job token.
    for (const r of rig.model.requests) {
      expect(r.headers["x-api-key"]).toBe(ANTHROPIC_UPSTREAM_KEY);
      expect(r.url).toBe("/v1/messages?beta=true");
    }
    // Usage: the CLI's sum of what the stand-in reported, and the proxy metered the same.
    const metered = rig.grant.usage();
    expect(metered.requests).toBe(2);
    expect(run.usage.inputTokens).toBeGreaterThan(1000);
    expect(metered.inputTokens).toBe(run.usage.inputTokens);
    expect(metered.outputTokens).toBe(run.usage.outputTokens);
    expect(events[0]?.type).toBe("thread.started");
    expect(events.at(-1)?.type).toBe("turn.completed");
    // A fresh config dir and TMPDIR inside the job dir.
    expect(existsSync(path.join(rig.jobDir, "claude-config"))).toBe(true);
  });

  it("workspace-write: writes and edits a file, runs a command, and reports the changes and exit codes", async () => {
    rig = await startClaudeRig([]);
    const file = path.join(rig.worktree, "fix.txt");
    rig.model.setScript([
      write(file, "broken\n"),
      { kind: "tool", name: "Edit", input: { file_path: file, old_string: "broken", new_string: "fixed" } },
      bash("cat fix.txt && exit 3"),
      { kind: "text", text: "patched" },
    ]);
    const events: AgentEvent[] = [];
    const run = await rig.run({ sandbox: "workspace-write", onEvent: (e) => events.push(e) });
    expect(run.outcome).toBe("completed");
    expect(run.finalMessage).toBe("patched");
    expect(await readFile(file, "utf8")).toBe("fixed\n");
    expect(run.fileChanges).toEqual([
      { path: file, kind: "add" },
      { path: file, kind: "update" },
    ]);
    expect(run.commands).toEqual([{ command: "cat fix.txt && exit 3", exitCode: 3, status: "failed" }]);
    expect(events.filter((e) => e.type === "item.completed").map((e) => (e as { item: { type: string } }).item.type)).toEqual([
      "file_change",
      "file_change",
      "command_execution",
      "agent_message",
    ]);
  });

  it("read-only: the model is offered no tool that writes or runs commands", async () => {
    rig = await startClaudeRig([bash("echo x > written.txt"), { kind: "text", text: "tried" }]);
    const run = await rig.run();
    // Claude refuses a tool it was not given; the run goes on, and nothing was written.
    expect(run.outcome).toBe("completed");
    expect(existsSync(path.join(rig.worktree, "written.txt"))).toBe(false);
    expect(run.commands).toEqual([{ command: "echo x > written.txt", exitCode: null, status: "failed" }]);
    expect(rig.model.requests[1]?.toolResults[0]).toMatch(/No such tool available: Bash/);
    const tools = (rig.model.requests[0]?.body.tools as { name: string }[]).map((t) => t.name);
    for (const name of ["Bash", "Write", "Edit", "WebFetch", "WebSearch"]) expect(tools).not.toContain(name);
  });

  it("a run asked for a structured answer that ends with text only → failed, with the reason", async () => {
    rig = await startClaudeRig([{ kind: "text", text: "I think it is fine." }]);
    const run = await rig.run({ outputSchema: triageReportJsonSchema() });
    expect(run.outcome).toBe("failed");
    expect(run.finalMessage).toBeUndefined();
    expect(run.errors.at(-1)).toMatch(/without a structured answer/);
  });

  it("stops when the job's token budget is spent, and says so", async () => {
    rig = await startClaudeRig([bash("true"), bash("true"), { kind: "text", text: "never reached" }], { maxTotalTokens: 100 });
    const run = await rig.run({ sandbox: "workspace-write" });
    expect(run.outcome).toBe("failed");
    expect(rig.model.requests).toHaveLength(1);
    expect(rig.grant.usage().totalTokens).toBeGreaterThan(100);
    expect(run.errors.at(-1)).toMatch(/429|budget/);
  });

  it("rejects bad options with a clear error", async () => {
    rig = await startClaudeRig([]);
    await expect(rig.run({ prompt: "" })).rejects.toThrow(/prompt must not be empty/);
    await expect(rig.run({ baseUrl: "not a url" })).rejects.toThrow(/baseUrl/);
    await expect(rig.run({ cwd: "/nonexistent/dir" })).rejects.toThrow(/does not exist/);
  });
});

import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterEach, describe, expect, it } from "vitest";
import type { RecordedRequest, ScriptStep } from "../../demo/scripted-model.js";
import type { ExplainReport } from "../../src/agent/explain-report.js";
import type { FixReport } from "../../src/agent/fix-report.js";
import { callJson, waitForTask } from "../helpers/mcp-app.js";
import { startLocalRig, type LocalRig } from "../helpers/local-cli.js";

// `codex-dispatch mcp` without --url: the local server an orchestrating agent starts on the user's machine. The
// SDK's own client over stdio; every task a real codex run (the user's own login, the scripted model as their
// endpoint) in a throw-away checkout, several at once.
const explain: ExplainReport = {
  answer: "`add` subtracts (`src/add.js:2`).",
  references: [{ path: "src/add.js", line: 2, note: "minus" }],
  commits: [],
};
const fixReport: FixReport = {
  summary: "Make add add",
  root_cause: "add used minus.",
  changes: "src/add.js: plus.",
  tests: [],
  confidence: "high",
  follow_up: "",
};
const fixPatch = "*** Begin Patch\n*** Update File: src/add.js\n@@\n-  return a - b;\n+  return a + b;\n*** End Patch\n";

function script(req: RecordedRequest): ScriptStep[] {
  const prompt = JSON.stringify(req.body);
  if (prompt.includes("HANG-PLEASE")) return [{ kind: "hang" }];
  if (prompt.includes("drafting a small, reviewable change"))
    return [
      { kind: "patch", patch: fixPatch },
      { kind: "message", text: JSON.stringify(fixReport) },
    ];
  return [{ kind: "message", text: JSON.stringify(explain) }];
}

let rig: LocalRig | undefined;
let client: Client | undefined;
afterEach(async () => {
  await client?.close();
  await rig?.close();
  client = rig = undefined;
});

async function connect(r: LocalRig, args: string[] = []): Promise<Client> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [path.resolve("bin/codex-dispatch.js"), "mcp", ...args],
    cwd: r.repo,
    env: r.env,
    stderr: "pipe",
  });
  const c = new Client({ name: "local-orchestrator", version: "1.0.0" });
  await c.connect(transport);
  return c;
}

describe("codex-dispatch mcp (local)", () => {
  it("fans out an explain and a change at once; results carry the answer and the diff; the user's tree is untouched", async () => {
    rig = await startLocalRig(script);
    client = await connect(rig);
    expect((await client.listTools()).tools.map((t) => t.name)).toContain("dispatch_task");
    const [asked, change] = await Promise.all([
      callJson(client, "explain", { repository: "local/project", question: "what does add do?" }),
      callJson(client, "dispatch_task", { repository: "local/project", instruction: "make add add" }),
    ]);
    expect(asked.task_id).toMatch(/^[0-9a-f]{16}$/);
    expect(change.task_id).not.toBe(asked.task_id);
    expect((await callJson(client, "list_tasks", {})).tasks).toHaveLength(2);

    expect((await waitForTask(client, asked.task_id, undefined, 90_000)).status).toBe("succeeded");
    expect((await waitForTask(client, change.task_id, undefined, 90_000)).status).toBe("succeeded");
    const answer = await callJson(client, "task_result", { task_id: asked.task_id });
    expect(answer.report.answer).toBe(explain.answer);
    const result = await callJson(client, "task_result", { task_id: change.task_id });
    expect(result.policy).toBe("passed");
    expect(result.diff).toContain("+  return a + b;");
    expect(result.report.summary).toBe("Make add add");
    // Nothing is applied: the caller decides. And no throw-away checkout is left registered.
    expect(readFileSync(path.join(rig.repo, "src/add.js"), "utf8")).toContain("a - b");
    expect(rig.extraWorktrees()).toEqual([]);
    // Both prompts reached the user's own endpoint, each in its own checkout.
    expect(rig.model.requests.length).toBeGreaterThanOrEqual(3);
  }, 150_000);

  it("cancel_task stops a running agent and removes its checkout; unknown repositories and triage_run are clear errors", async () => {
    rig = await startLocalRig(script);
    client = await connect(rig);
    const { task_id: id } = await callJson(client, "dispatch_task", { repository: "local/project", instruction: "HANG-PLEASE" });
    await waitFor(() => rig!.model.requests.length > 0);
    expect((await callJson(client, "task_result", { task_id: id })).error).toContain("still running");
    await callJson(client, "cancel_task", { task_id: id });
    expect((await waitForTask(client, id, undefined, 60_000)).status).toBe("cancelled");
    await waitFor(() => rig!.extraWorktrees().length === 0);

    const other = await callJson(client, "explain", { repository: "someone/else", question: "x" });
    expect(other.error).toContain("someone/else is not served here");
    expect(other.error).toContain("local/project");
    expect((await callJson(client, "triage_run", { repository: "local/project", run_id: 1 })).error).toContain("triage --log");
    expect((await callJson(client, "dispatch_task", { repository: "local/project", instruction: "x", base: "dev" })).error).toContain(
      "HEAD",
    );
  }, 120_000);

  it("serves only the --repo folders it was started with", async () => {
    rig = await startLocalRig(script);
    client = await connect(rig, ["--repo", rig.outside]);
    const refused = await callJson(client, "explain", { repository: "local/project", question: "x" });
    expect(refused.error).toContain("local/elsewhere");
    expect(existsSync(rig.outside)).toBe(true);
    expect(rig.model.requests).toHaveLength(0);
  }, 60_000);
});

async function waitFor(fn: () => boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 100));
  }
}

import path from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { Client as SdkClient } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../../demo/harness.js";
import { ciFailureScript, setupCiFailure, type CiFailureSetup } from "../../demo/scenarios/ci-failure.js";
import { issueFixScript, setupIssueFix, type IssueFixSetup } from "../../demo/scenarios/issue-fix.js";
import type { RecordedRequest, ScriptStep } from "../../demo/scripted-model.js";
import { getJobRecord } from "../../src/jobs/records.js";
import { mintToken } from "../../src/mcp/tokens.js";
import { callJson, mcpClient, serveMcp, waitForTask } from "../helpers/mcp-app.js";

// The MCP server end to end: the SDK's own client over streamable HTTP (and over stdio through the bridge) to the
// web role's /mcp, jobs on the real queue, real git and the real codex binary against the scripted model.
type AnyJson = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const explainAnswer = {
  answer: "`sum` returns `a - b` (`src/sum.js:2`), so it subtracts.",
  references: [{ path: "src/sum.js", line: 2, note: "the subtraction" }],
};
function script(req: RecordedRequest): ScriptStep[] {
  const prompt = JSON.stringify(req.body);
  if (prompt.includes("HANG-PLEASE")) return [{ kind: "hang" }];
  if (prompt.includes("You are triaging")) return ciFailureScript();
  if (prompt.includes("answer the maintainer"))
    return [
      { kind: "exec", cmd: "cat src/sum.js" },
      { kind: "message", text: JSON.stringify(explainAnswer) },
    ];
  return issueFixScript();
}

const ann = mintToken("agent-ann", ["octo-org/mcp-a", "octo-org/mcp-ci", "octo-org/mcp-bad", "octo-org/mcp-none"]);
const bob = mintToken("agent-bob", ["octo-org/mcp-b"]);
let h: Harness;
let mcp: Awaited<ReturnType<typeof serveMcp>>;
let off: Awaited<ReturnType<typeof serveMcp>>;
let a: IssueFixSetup;
let b: IssueFixSetup;
let ci: CiFailureSetup;
let bad: IssueFixSetup;
let client: Client;

beforeAll(async () => {
  h = await startHarness({ script });
  a = await setupIssueFix(h, { repoName: "mcp-a" });
  b = await setupIssueFix(h, { repoName: "mcp-b" });
  ci = await setupCiFailure(h, { repoName: "mcp-ci" });
  bad = await setupIssueFix(h, { repoName: "mcp-bad", config: "fix:\n  max_open_prs: many\n" });
  mcp = await serveMcp(h, [ann.entry, bob.entry]);
  off = await serveMcp(h, undefined);
  client = await mcpClient(mcp.url, ann.token);
}, 60_000);
afterAll(async () => {
  await client?.close();
  await mcp?.close();
  await off?.close();
  for (const s of [a, b, ci, bad]) await s?.remote.cleanup();
  await h?.close();
});

describe("tools over streamable HTTP", () => {
  it("lists the seven tools", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(
      ["cancel_task", "dispatch_task", "explain", "list_tasks", "task_result", "task_status", "triage_run"].sort(),
    );
  });

  it("dispatch_task → task_status until done → task_result with the PR, the hand-off, the diff stat and the tokens", async () => {
    const queued = await callJson(client, "dispatch_task", {
      repository: "octo-org/mcp-a",
      instruction: "Make sum add its arguments; test/sum.test.js shows what it should do.",
    });
    expect(queued).toMatchObject({ status: "queued", kind: "fix", repository: "octo-org/mcp-a" });
    const id = queued.task_id as string;
    const done = await waitForTask(client, id);
    expect(done).toMatchObject({ status: "succeeded", requested_by: "mcp:agent-ann" });
    const result = await callJson(client, "task_result", { task_id: id });
    expect(result.pr_url).toMatch(/\/octo-org\/mcp-a\/pull\/\d+$/);
    expect(result.result.diffstat).toEqual({ files: 1, added: 1, removed: 1 });
    expect(result.result.verdicts).toEqual({ policy: "passed", verify_before: "failed (exit 1)", verify_after: "passed" });
    expect(result.result.handoff.files).toEqual([{ path: "src/sum.js", status: "modified", added: 1, removed: 1 }]);
    expect(result.result.handoff.origin).toEqual({ type: "task", task_id: id, requested_by: "mcp:agent-ann" });
    expect(result.tokens.input).toBeGreaterThan(0);
    // The PR is on the task's branch and says who asked; nothing was said on the repository's issue.
    const pulls = h.standIn.snapshot().pullRequests as AnyJson[];
    const pr = pulls.find((p) => p.html_url === result.pr_url)!;
    expect(pr.head.ref).toBe(`codex/task/${id}`);
    expect(pr.body).toContain("requested through MCP by `mcp:agent-ann`");
    expect(pr.body).toContain(`"task_id": "${id}"`);
    const onIssue = (h.standIn.snapshot().comments as AnyJson[]).filter((c) =>
      String(c.issue_url).endsWith(`/repos/${a.repoFullName}/issues/${a.issueNumber}`),
    );
    expect(onIssue).toEqual([]);
    const record = await getJobRecord(h.db, `task:octo-org/mcp-a:${id}`);
    expect(record?.meta).toMatchObject({ task: id, requestedBy: "mcp:agent-ann" });
  }, 180_000);

  it("cancel_task on a running task → cancelled", async () => {
    const { task_id: id } = await callJson(client, "dispatch_task", {
      repository: "octo-org/mcp-a",
      instruction: "HANG-PLEASE do something slow",
    });
    await waitForTask(client, id, (s) => s.status === "running" && s.phase === "agent", 60_000);
    const cancel = await callJson(client, "cancel_task", { task_id: id });
    expect(cancel).toMatchObject({ task_id: id, status: "cancelling", was: "running" });
    const done = await waitForTask(client, id, undefined, 60_000);
    expect(done.status).toBe("cancelled");
  }, 120_000);

  it("explain → the answer in task_result, nothing posted", async () => {
    const comments = h.standIn.snapshot().comments.length;
    const { task_id: id } = await callJson(client, "explain", { repository: "octo-org/mcp-a", question: "Why does sum(2, 3) give -1?" });
    expect((await waitForTask(client, id)).status).toBe("succeeded");
    const result = await callJson(client, "task_result", { task_id: id });
    expect(result.outcome).toBe("answered");
    expect(result.result.answer.answer).toContain("src/sum.js:2");
    expect(result.result.markdown).toContain("sum");
    expect(h.standIn.snapshot().comments.length).toBe(comments);
  }, 120_000);

  it("triage_run on a failed run → the report and the check run link", async () => {
    const { task_id: id } = await callJson(client, "triage_run", { repository: "octo-org/mcp-ci", run_id: ci.runId });
    expect((await waitForTask(client, id)).status).toBe("succeeded");
    const result = await callJson(client, "task_result", { task_id: id });
    expect(result.outcome).toBe("explained: code");
    expect(result.result.report.classification).toBe("code");
    expect(result.links.checkRun).toMatch(/^http/);
    expect(result.links[`pr${ci.prNumber}`]).toMatch(/^http/);
  }, 120_000);

  it("list_tasks shows only the token's repositories", async () => {
    const bobClient = await mcpClient(mcp.url, bob.token);
    try {
      const { task_id: bobs } = await callJson(bobClient, "explain", { repository: "octo-org/mcp-b", question: "What does sum do?" });
      const mine = (await callJson(client, "list_tasks", {})).tasks as AnyJson[];
      expect(mine.length).toBeGreaterThanOrEqual(3);
      expect(mine.every((t) => t.repository === "octo-org/mcp-a" || t.repository === "octo-org/mcp-ci")).toBe(true);
      expect(mine.some((t) => t.task_id === bobs)).toBe(false);
      const theirs = (await callJson(bobClient, "list_tasks", {})).tasks as AnyJson[];
      expect(theirs.map((t) => t.task_id)).toEqual([bobs]);
      const onlyCi = (await callJson(client, "list_tasks", { repository: "octo-org/mcp-ci" })).tasks as AnyJson[];
      expect(onlyCi.map((t) => t.kind)).toEqual(["triage"]);
      await waitForTask(bobClient, bobs);
    } finally {
      await bobClient.close();
    }
  }, 120_000);

  it("clear tool errors: a missing branch, an unknown task, an unknown run, no installation, an invalid config, an invalid repository name", async () => {
    expect(await callJson(client, "dispatch_task", { repository: "octo-org/mcp-a", instruction: "x", base: "nope" })).toEqual({
      error: "There is no branch nope in octo-org/mcp-a.",
    });
    expect((await callJson(client, "task_status", { task_id: "0123456789abcdef" })).error).toBe("There is no task 0123456789abcdef.");
    expect(await callJson(client, "triage_run", { repository: "octo-org/mcp-ci", run_id: 999_999 })).toEqual({
      error: "There is no workflow run 999999 in octo-org/mcp-ci.",
    });
    expect(await callJson(client, "explain", { repository: "octo-org/mcp-none", question: "x" })).toEqual({
      error: "The codex-dispatch App is not installed on octo-org/mcp-none (or its installation is suspended).",
    });
    const invalid = await callJson(client, "dispatch_task", { repository: "octo-org/mcp-bad", instruction: "x" });
    expect(invalid.error).toMatch(/^\.github\/codex\.yml on the default branch of octo-org\/mcp-bad is not valid:\n- /);
    const bad = await callJson(client, "dispatch_task", { repository: "not a repo", instruction: "x" });
    expect(bad.error).toMatch(/repository/);
    expect(bad.error).not.toMatch(/\n\s+at /);
  });
});

describe("HTTP access", () => {
  const post = (url: string, headers: Record<string, string> = {}) =>
    fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list", params: {} }),
    });

  it("no token → 401 with WWW-Authenticate: Bearer", async () => {
    const res = await post(mcp.url);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer /);
  });

  it("a bad token → 401", async () => {
    const res = await post(mcp.url, { authorization: `Bearer ${ann.token}x` });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toContain('error="invalid_token"');
  });

  it("a token for another repository → 403", async () => {
    const res = await fetch(mcp.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream", authorization: `Bearer ${bob.token}` },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 7,
        method: "tools/call",
        params: { name: "dispatch_task", arguments: { repository: "octo-org/mcp-a", instruction: "x" } },
      }),
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ id: 7, error: { message: "octo-org/mcp-a is not in this token's scope" } });
  });

  it("MCP_TOKENS unset → 404", async () => {
    const res = await post(off.url, { authorization: `Bearer ${ann.token}` });
    expect(res.status).toBe(404);
  });
});

describe("stdio bridge", () => {
  it("codex-dispatch mcp --url … forwards dispatch_task and task_status to the app", async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [path.resolve("bin/codex-dispatch.js"), "mcp", "--url", mcp.url],
      env: { PATH: process.env.PATH ?? "", CODEX_DISPATCH_TOKEN: ann.token },
      stderr: "pipe",
    });
    const stdio = new SdkClient({ name: "stdio-test", version: "1.0.0" });
    await stdio.connect(transport);
    try {
      expect((await stdio.listTools()).tools).toHaveLength(7);
      const { task_id: id } = await callJson(stdio, "dispatch_task", {
        repository: "octo-org/mcp-a",
        instruction: "HANG-PLEASE via stdio",
      });
      expect(id).toMatch(/^[0-9a-f]{16}$/);
      const status = await callJson(stdio, "task_status", { task_id: id });
      expect(["queued", "running"]).toContain(status.status);
      expect(status.requested_by).toBe("mcp:agent-ann");
      // Refusals come back through the bridge as tool errors.
      expect((await callJson(stdio, "list_tasks", { repository: "octo-org/mcp-b" })).error).toBe(
        "octo-org/mcp-b is not in this token's scope",
      );
      await callJson(stdio, "cancel_task", { task_id: id });
      expect((await waitForTask(stdio, id, undefined, 60_000)).status).toBe("cancelled");
    } finally {
      await stdio.close();
    }
  }, 120_000);
});

// `codex-dispatch ask --agent claude` with the user's own Anthropic login: the real Claude Code binary, the
// user's ANTHROPIC_BASE_URL (their gateway, here the scripted Messages API) and ANTHROPIC_API_KEY.
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startScriptedMessages, structured, type RecordedMessagesRequest, type ScriptedMessages } from "../../demo/scripted-messages.js";
import type { FixReport } from "../../src/agent/fix-report.js";
import { CLAUDE_TEST_MODEL } from "../helpers/claude.js";
import { startLocalRig, type LocalRig } from "../helpers/local-cli.js";

const USER_ANTHROPIC_KEY = "sk-ant-api03-usersOwnAnthropicKeyForTests0123456789abcdefABCD";

let rig: LocalRig | undefined;
let messages: ScriptedMessages | undefined;
afterEach(async () => {
  await rig?.close();
  await messages?.close();
  rig = messages = undefined;
});

function claudeEnv(m: ScriptedMessages): Record<string, string> {
  return { ANTHROPIC_BASE_URL: m.baseUrl, ANTHROPIC_API_KEY: USER_ANTHROPIC_KEY };
}

/** The checkout Claude works in, as its request names it (the throw-away worktree's path is random). */
function workingDir(req: RecordedMessagesRequest): string {
  const found = /(\/[^\s"\\]*\/codex-dispatch-local-[^\s"\\/]+\/worktree)/.exec(JSON.stringify(req.body));
  if (!found?.[1]) throw new Error("no working directory in the request");
  return found[1];
}

describe("codex-dispatch ask --agent claude", () => {
  it("answers with the user's own key at their endpoint, with the read-only tools and the explain schema", async () => {
    rig = await startLocalRig([]);
    messages = await startScriptedMessages([
      structured({ answer: "It subtracts (`src/add.js:2`).", references: [{ path: "src/add.js", line: 2, note: "minus" }], commits: [] }),
    ]);
    const r = await rig.cli(["ask", "--agent", "claude", "--model", CLAUDE_TEST_MODEL, "what does add do?"], { env: claudeEnv(messages) });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("It subtracts (`src/add.js:2`).");
    expect(r.stdout).toContain("src/add.js:2  minus");
    const [first] = messages.requests;
    expect(first?.headers["x-api-key"]).toBe(USER_ANTHROPIC_KEY);
    expect((first?.body.tools as { name: string }[]).map((t) => t.name).sort()).toEqual(["Glob", "Grep", "Read", "StructuredOutput"]);
    expect(JSON.stringify(first?.body.messages)).toContain("a local checkout on its owner");
    expect(rig.extraWorktrees()).toEqual([]);
  }, 120_000);

  it("--write --apply: Claude edits the throw-away checkout, the diff is printed and applied to the user's tree", async () => {
    rig = await startLocalRig([]);
    const report: FixReport = {
      summary: "Make add add",
      root_cause: "minus",
      changes: "plus",
      tests: [],
      confidence: "high",
      follow_up: "",
    };
    messages = await startScriptedMessages((req) => {
      const file = path.join(workingDir(req), "src/add.js");
      return [
        { kind: "tool", name: "Write", input: { file_path: file, content: "export function add(a, b) {\n  return a + b;\n}\n" } },
        structured(report),
      ];
    });
    const r = await rig.cli(["ask", "--agent", "claude", "--model", CLAUDE_TEST_MODEL, "--write", "--apply", "make add add"], {
      env: claudeEnv(messages),
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("-  return a - b;\n+  return a + b;");
    expect(readFileSync(path.join(rig.repo, "src/add.js"), "utf8")).toContain("return a + b;");
    expect(rig.extraWorktrees()).toEqual([]);
  }, 120_000);
});

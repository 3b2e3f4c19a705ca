import { describe, expect, it } from "vitest";
import { CodexEventParser, type CodexEvent } from "../../src/agent/events.js";

const line = (o: object) => `${JSON.stringify(o)}\n`;

// A transcript shaped like real `codex exec --json` output from 0.169.0.
const transcript = [
  { type: "thread.started", thread_id: "01a2-thread" },
  { type: "turn.started" },
  {
    type: "item.started",
    item: {
      id: "item_0",
      type: "command_execution",
      command: "/bin/bash -lc 'npm test'",
      aggregated_output: "",
      exit_code: null,
      status: "in_progress",
    },
  },
  {
    type: "item.completed",
    item: {
      id: "item_0",
      type: "command_execution",
      command: "/bin/bash -lc 'npm test'",
      aggregated_output: "1 failing",
      exit_code: 1,
      status: "failed",
    },
  },
  { type: "item.completed", item: { id: "item_1", type: "reasoning", text: "The test fails because…" } },
  { type: "item.started", item: { id: "item_2", type: "todo_list", items: [{ text: "reproduce", completed: false }] } },
  {
    type: "item.updated",
    item: {
      id: "item_2",
      type: "todo_list",
      items: [
        { text: "reproduce", completed: true },
        { text: "fix", completed: false },
      ],
    },
  },
  {
    type: "item.completed",
    item: {
      id: "item_3",
      type: "file_change",
      changes: [
        { path: "/w/a.ts", kind: "update" },
        { path: "/w/b.ts", kind: "add" },
      ],
      status: "completed",
    },
  },
  {
    type: "item.completed",
    item: { id: "item_4", type: "file_change", changes: [{ path: "/w/a.ts", kind: "update" }], status: "completed" },
  },
  { type: "item.completed", item: { id: "item_5", type: "agent_message", text: "first thought" } },
  { type: "item.completed", item: { id: "item_6", type: "agent_message", text: '{"summary":"fixed"}' } },
  {
    type: "turn.completed",
    usage: { input_tokens: 1200, cached_input_tokens: 200, cache_write_input_tokens: 0, output_tokens: 80, reasoning_output_tokens: 30 },
  },
];

describe("CodexEventParser", () => {
  it("accumulates a whole run", () => {
    const events: CodexEvent[] = [];
    const parser = new CodexEventParser((e) => events.push(e));
    parser.push(transcript.map(line).join(""));
    const s = parser.end();

    expect(s.threadId).toBe("01a2-thread");
    expect(s.commands).toEqual([{ command: "/bin/bash -lc 'npm test'", exitCode: 1, status: "failed" }]);
    expect(s.fileChanges).toEqual([
      { path: "/w/a.ts", kind: "update" },
      { path: "/w/b.ts", kind: "add" },
    ]);
    expect(s.todoList).toEqual([
      { text: "reproduce", completed: true },
      { text: "fix", completed: false },
    ]);
    expect(s.agentMessages).toEqual(["first thought", '{"summary":"fixed"}']);
    expect(s.finalMessage).toBe('{"summary":"fixed"}');
    expect(s.usage).toEqual({ inputTokens: 1200, cachedInputTokens: 200, outputTokens: 80, reasoningOutputTokens: 30 });
    expect(s.turnFailed).toBe(false);
    expect(s.errors).toEqual([]);
    expect(s.garbageLines).toBe(0);
    expect(events).toHaveLength(transcript.length);
  });

  it("keeps unknown event and item types as opaque events", () => {
    const events: CodexEvent[] = [];
    const parser = new CodexEventParser((e) => events.push(e));
    parser.push(line({ type: "session.configured", model: "gpt-9" }));
    parser.push(line({ type: "item.completed", item: { id: "x", type: "hologram", payload: [1, 2] } }));
    parser.push(line({ type: "item.completed", item: { id: "y", type: "web_search", query: "q" } }));
    parser.push(line({ type: "turn.completed" })); // a known type with an unexpected shape
    const s = parser.end();
    expect(events[0]).toEqual({ type: "unknown", raw: { type: "session.configured", model: "gpt-9" } });
    expect(events[1]).toMatchObject({ type: "item.completed", item: { type: "hologram", payload: [1, 2] } });
    expect(events[3]).toEqual({ type: "unknown", raw: { type: "turn.completed" } });
    expect(s.unknownEvents).toBe(2);
    expect(s.garbageLines).toBe(0);
    expect(s.commands).toEqual([]);
  });

  it("counts non-JSON lines as garbage and never throws", () => {
    const parser = new CodexEventParser();
    expect(() => {
      parser.push("Reading additional input from stdin...\n");
      parser.push("\n   \n"); // blank lines are not garbage
      parser.push('null\n42\n"text"\n[]\n');
      parser.push('{"type":"thread.started","thread_id":"t"}\n');
      parser.push("\u0000\u001b[31mpanic\u001b[0m\n");
    }).not.toThrow();
    const s = parser.end();
    expect(s.garbageLines).toBe(6);
    expect(s.threadId).toBe("t");
    expect(s.errors[0]).toBe("unparseable output line: Reading additional input from stdin...");
  });

  it("caps the garbage samples it keeps but counts every line", () => {
    const parser = new CodexEventParser();
    parser.push("x\n".repeat(500));
    const s = parser.end();
    expect(s.garbageLines).toBe(500);
    expect(s.errors).toHaveLength(20);
  });

  it("joins lines split across chunks and parses a last line without a newline", () => {
    const parser = new CodexEventParser();
    const text = transcript.map(line).join("").trimEnd();
    // Feed it in awkward 7-character pieces, splitting lines and multi-byte characters' neighbours.
    for (let i = 0; i < text.length; i += 7) parser.push(text.slice(i, i + 7));
    const s = parser.end();
    expect(s.finalMessage).toBe('{"summary":"fixed"}');
    expect(s.usage.inputTokens).toBe(1200);
    expect(s.garbageLines).toBe(0);
  });

  it("counts a truncated last line (a crash mid-write) as garbage", () => {
    const parser = new CodexEventParser();
    parser.push(line({ type: "thread.started", thread_id: "t" }));
    parser.push('{"type":"item.completed","item":{"type":"agent_mes');
    const s = parser.end();
    expect(s.threadId).toBe("t");
    expect(s.garbageLines).toBe(1);
    expect(s.finalMessage).toBeUndefined();
  });

  it("records turn.failed and error events once each", () => {
    const parser = new CodexEventParser();
    parser.push(line({ type: "error", message: "Reconnecting... 1/5" }));
    parser.push(line({ type: "error", message: "stream disconnected: boom" }));
    parser.push(line({ type: "turn.failed", error: { message: "stream disconnected: boom" } }));
    parser.push(line({ type: "item.completed", item: { id: "e", type: "error", message: "patch rejected" } }));
    const s = parser.end();
    expect(s.turnFailed).toBe(true);
    expect(s.errors).toEqual(["Reconnecting... 1/5", "stream disconnected: boom", "patch rejected"]);
  });

  it("sums usage over several turns and tracks commands by item id", () => {
    const parser = new CodexEventParser();
    const usage = { input_tokens: 10, cached_input_tokens: 1, output_tokens: 2, reasoning_output_tokens: 0 };
    parser.push(
      line({ type: "item.started", item: { id: "a", type: "command_execution", command: "ls", exit_code: null, status: "in_progress" } }),
    );
    const mid = parser.result();
    parser.push(
      line({ type: "item.completed", item: { id: "a", type: "command_execution", command: "ls", exit_code: 0, status: "completed" } }),
    );
    parser.push(
      line({ type: "item.completed", item: { id: "b", type: "command_execution", command: "pwd", exit_code: 0, status: "completed" } }),
    );
    parser.push(line({ type: "turn.completed", usage }));
    parser.push(line({ type: "turn.completed", usage }));
    const s = parser.end();
    // A snapshot taken mid-run does not change afterwards.
    expect(mid.commands).toEqual([{ command: "ls", exitCode: null, status: "in_progress" }]);
    expect(s.commands.map((c) => [c.command, c.exitCode, c.status])).toEqual([
      ["ls", 0, "completed"],
      ["pwd", 0, "completed"],
    ]);
    expect(s.usage).toEqual({ inputTokens: 20, cachedInputTokens: 2, outputTokens: 4, reasoningOutputTokens: 0 });
  });

  it("survives a progress listener that throws", () => {
    const parser = new CodexEventParser(() => {
      throw new Error("listener bug");
    });
    parser.push(line({ type: "thread.started", thread_id: "t" }));
    expect(parser.end().threadId).toBe("t");
  });
});

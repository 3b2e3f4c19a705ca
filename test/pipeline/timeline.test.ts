import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pino } from "pino";
import { openDatabase, type Database } from "../../src/jobs/db.js";
import { listJobEvents } from "../../src/jobs/job-events.js";
import { MAX_TIMELINE_EVENTS, TimelineRecorder } from "../../src/pipeline/steps/timeline.js";
import { readEnv } from "../../src/config/env.js";
import { tempDataDir } from "../jobs/setup.js";

// The agent step's timeline on a real database: what it keeps of each event, and where it stops.
let tmp: { dir: string; remove(): Promise<void> };
let db: Database;
const log = pino({ level: "silent" });

beforeAll(async () => {
  tmp = await tempDataDir();
  db = await openDatabase({ dataDir: tmp.dir });
}, 60_000);

afterAll(async () => {
  await db?.close();
  await tmp?.remove();
});

describe("the agent timeline", () => {
  it("keeps commands (unwrapped, with exit codes), files relative to the worktree, messages, errors and usage, in order", async () => {
    const t = new TimelineRecorder(db, "job:a", log, "/tmp/wt/");
    t.start("codex", "gpt-5.5");
    t.onEvent({ type: "item.started", item: { type: "command_execution", command: "/bin/bash -lc 'npm test'" } });
    t.onEvent({ type: "item.completed", item: { type: "command_execution", command: "/bin/bash -lc 'npm test'", exit_code: 1 } });
    t.onEvent({ type: "item.completed", item: { type: "file_change", changes: [{ path: "/tmp/wt/src/a.ts", kind: "update" }] } });
    t.onEvent({ type: "item.completed", item: { type: "agent_message", text: "fixed\u200b it" } });
    t.onEvent({ type: "turn.failed", error: { message: "stream ended" } });
    t.onEvent({
      type: "turn.completed",
      usage: { input_tokens: 10, cached_input_tokens: 0, output_tokens: 2, reasoning_output_tokens: 0 },
    });
    await t.flush();
    const rows = await listJobEvents(db, "job:a");
    expect(rows.map((r) => [r.type, r.text, r.exitCode])).toEqual([
      ["start", "codex started (gpt-5.5)", null],
      ["command", "npm test", 1],
      ["files", "update src/a.ts", null],
      ["message", "fixed it", null],
      ["error", "stream ended", null],
      ["usage", "turn completed: 10 input tokens, 2 output tokens", null],
    ]);
    expect(rows.map((r) => r.seq)).toEqual([...rows.map((r) => r.seq)].sort((a, b) => a - b));
  });

  it(`stops after ${MAX_TIMELINE_EVENTS} rows per run and says so; a long message is shortened`, async () => {
    const t = new TimelineRecorder(db, "job:b", log);
    for (let i = 0; i < MAX_TIMELINE_EVENTS + 50; i++) {
      t.onEvent({ type: "item.completed", item: { type: "agent_message", text: `${i} ${"x".repeat(5000)}` } });
    }
    await t.flush();
    const rows = await listJobEvents(db, "job:b");
    expect(rows).toHaveLength(MAX_TIMELINE_EVENTS + 1);
    expect(rows.at(-1)).toMatchObject({ type: "truncated" });
    expect(Math.max(...rows.map((r) => r.text.length))).toBeLessThanOrEqual(1500);
  });

  it("a DASHBOARD_TOKEN shorter than 16 characters is refused at start; unset leaves the dashboard off", () => {
    expect(() => readEnv({ DASHBOARD_TOKEN: "short" })).toThrow(/DASHBOARD_TOKEN must be at least 16 characters/);
    expect(readEnv({}).DASHBOARD_TOKEN).toBeUndefined();
  });
});

import { describe, expect, it } from "vitest";
import type { CodexEvent } from "../../../src/agent/events.js";
import { ProgressComment } from "../../../src/pipeline/steps/progress-comment/progress-comment.js";

/** A clock and timers that move only when the test says so. */
class FakeClock {
  time = 1_000_000;
  private timers = new Map<number, { at: number; fn: () => void }>();
  private nextId = 1;
  now = (): number => this.time;
  setTimer = (fn: () => void, ms: number): unknown => {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + ms, fn });
    return id;
  };
  clearTimer = (handle: unknown): void => {
    this.timers.delete(handle as number);
  };
  get pending(): number {
    return this.timers.size;
  }
  /** Moves time forward, firing due timers in order, and lets the publish promises settle. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].fn();
      await settle();
    }
    this.time = end;
    await settle();
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

function rig(options: { minIntervalMs?: number; failFirst?: number; root?: string } = {}) {
  const clock = new FakeClock();
  const published: { at: number; body: string }[] = [];
  const errors: unknown[] = [];
  let failures = options.failFirst ?? 0;
  const progress = new ProgressComment({
    title: "Codex is fixing #12",
    minIntervalMs: options.minIntervalMs ?? 3000,
    root: options.root,
    now: clock.now,
    setTimer: clock.setTimer,
    clearTimer: clock.clearTimer,
    onError: (error) => errors.push(error),
    publish: async (body) => {
      if (failures > 0) {
        failures -= 1;
        throw new Error("HTTP 502 from GitHub");
      }
      published.push({ at: clock.time, body });
    },
  });
  return { clock, published, errors, progress };
}

const command = (id: string, cmd: string, exit: number | null, status: string, phase: "started" | "completed"): CodexEvent => ({
  type: `item.${phase}`,
  item: { id, type: "command_execution", command: cmd, aggregated_output: "", exit_code: exit, status },
});
const fileChange = (changes: { path: string; kind: string }[], status = "completed"): CodexEvent => ({
  type: "item.completed",
  item: { id: "f", type: "file_change", changes, status },
});
const todoList = (items: { text: string; completed: boolean }[]): CodexEvent => ({
  type: "item.updated",
  item: { id: "t", type: "todo_list", items },
});

describe("ProgressComment rendering", () => {
  it("shows commands running and finished, file changes and the plan as a checklist", () => {
    const { progress } = rig({ root: "/work/jobs/42/tree" });
    progress.onEvent(command("c1", "/bin/bash -lc 'npm test'", null, "in_progress", "started"));
    expect(progress.render()).toContain("- [ ] `npm test` (running)");
    progress.onEvent(command("c1", "/bin/bash -lc 'npm test'", 0, "completed", "completed"));
    progress.onEvent(
      fileChange([
        { path: "/work/jobs/42/tree/src/a.ts", kind: "update" },
        { path: "/work/jobs/42/tree/src/b.ts", kind: "add" },
      ]),
    );
    progress.onEvent(
      todoList([
        { text: "find the bug", completed: true },
        { text: "write a test", completed: false },
      ]),
    );
    const body = progress.render();
    expect(body).toMatch(/^### ⏳ Codex is fixing #12: working…/);
    expect(body).toContain("- [x] `npm test` (exit 0)");
    expect(body).not.toContain("(running)");
    expect(body).toContain("- [x] edited `src/a.ts`");
    expect(body).toContain("- [x] added `src/b.ts`");
    expect(body).not.toContain("/work/jobs");
    expect(body).toContain("**Plan**\n- [x] find the bug\n- [ ] write a test");
  });

  it("replaces the plan with the latest todo list", () => {
    const { progress } = rig();
    progress.onEvent(todoList([{ text: "old step", completed: false }]));
    progress.onEvent(todoList([{ text: "new step", completed: true }]));
    expect(progress.render()).not.toContain("old step");
    expect(progress.render()).toContain("- [x] new step");
  });

  it("shortens long command lines and keeps backticks from breaking the markdown", () => {
    const { progress } = rig();
    progress.onEvent(command("c1", `echo ${"x".repeat(300)}`, 0, "completed", "completed"));
    progress.onEvent(command("c2", "echo `whoami` ``` \n- [x] fake row", 1, "failed", "completed"));
    const lines = progress.render().split("\n");
    const long = lines.find((l) => l.includes("echo x")) ?? "";
    expect(long.length).toBeLessThan(110);
    expect(long).toContain("…");
    const ticks = lines.find((l) => l.includes("whoami")) ?? "";
    // The code span uses a longer backtick run than any inside, and the newline did not start a new row.
    expect(ticks).toBe("- [x] ````echo `whoami` ``` - [x] fake row```` (exit 1)");
    expect(lines.filter((l) => l.startsWith("- [x] fake"))).toEqual([]);
  });

  it("redacts secrets everywhere, including in cut command lines", () => {
    const { progress } = rig();
    const token = `ghp_${"A1b2C3d4".repeat(5)}`;
    progress.onEvent(
      command("c1", `curl -H 'Authorization: token ${token}' https://api.github.com/${"y".repeat(80)}`, 0, "completed", "completed"),
    );
    progress.onEvent(command("c2", `${"z".repeat(70)} ${token}`, 0, "completed", "completed"));
    progress.onEvent(todoList([{ text: `use key sk-proj-${"k".repeat(30)}`, completed: false }]));
    progress.onEvent(fileChange([{ path: `/tmp/AKIAABCDEFGHIJKLMNOP.txt`, kind: "add" }]));
    const body = progress.render();
    expect(body).not.toContain("ghp_");
    expect(body).not.toContain("sk-proj-");
    expect(body).not.toContain("AKIAABCDEFGHIJKLMNOP");
    expect(body).toContain("[REDACTED]");
  });

  it("renders todo text inert: no links, no mentions, no extra rows", () => {
    const { progress } = rig();
    progress.onEvent(todoList([{ text: "ping @octocat ![x](http://e/x.png) <img src=x>\n- [x] injected", completed: false }]));
    const row =
      progress
        .render()
        .split("\n")
        .find((l) => l.includes("ping")) ?? "";
    expect(row).toContain("`@octocat`");
    expect(row).toContain("\\!\\[x\\]\\(`http://e/x.png`\\)");
    expect(row).toContain("\\<img src=x\\>");
    expect(
      progress
        .render()
        .split("\n")
        .filter((l) => l.startsWith("- [x]")),
    ).toEqual([]);
  });

  it("keeps at most 40 steps and summarises older ones", () => {
    const { progress } = rig();
    for (let i = 0; i < 100; i++) progress.onEvent(command(`c${i}`, `step-${i}`, 0, "completed", "completed"));
    const rows = progress
      .render()
      .split("\n")
      .filter((l) => l.startsWith("- "));
    expect(rows[0]).toBe("- … 60 earlier steps");
    expect(rows.length).toBe(41);
    expect(rows.at(-1)).toBe("- [x] `step-99` (exit 0)");
    expect(progress.render()).not.toContain("`step-59`");
  });
});

describe("ProgressComment publishing", () => {
  it("coalesces 10 events within a second into one publish at the end of the interval", async () => {
    const { clock, published, progress } = rig();
    const start = clock.time;
    for (let i = 0; i < 10; i++) {
      progress.onEvent(command(`c${i}`, `npm run step-${i}`, 0, "completed", "completed"));
      await clock.advance(100);
    }
    expect(published).toEqual([]);
    await clock.advance(1999);
    expect(published).toEqual([]);
    await clock.advance(1);
    expect(published.length).toBe(1);
    expect(published[0].at).toBe(start + 3000);
    // The one edit carries the latest state.
    expect(published[0].body).toContain("`npm run step-9` (exit 0)");
    await clock.advance(10_000);
    expect(published.length).toBe(1);
  });

  it("publishes at most once per interval under a steady stream of events", async () => {
    const { clock, published, progress } = rig({ minIntervalMs: 1000 });
    for (let i = 0; i < 100; i++) {
      progress.onEvent(command(`c${i}`, `cmd-${i}`, 0, "completed", "completed"));
      await clock.advance(100);
    }
    await clock.advance(2000);
    const gaps = published.slice(1).map((p, i) => p.at - published[i].at);
    expect(published.length).toBeGreaterThanOrEqual(9);
    expect(published.length).toBeLessThanOrEqual(11);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1000);
    expect(published.at(-1)?.body).toContain("`cmd-99`");
  });

  it("does not publish an edit when nothing visible changed", async () => {
    const { clock, published, progress } = rig();
    progress.onEvent(command("c1", "ls", 0, "completed", "completed"));
    await clock.advance(3000);
    progress.onEvent(command("c1", "ls", 0, "completed", "completed"));
    progress.onEvent({ type: "item.completed", item: { id: "m", type: "agent_message", text: "thinking" } });
    progress.onEvent({ type: "turn.started" });
    await clock.advance(10_000);
    expect(published.length).toBe(1);
  });

  it("finish publishes at once, cancels the pending edit and ignores later events", async () => {
    const { clock, published, progress } = rig();
    progress.onEvent(command("c1", "npm test", null, "in_progress", "started"));
    expect(clock.pending).toBe(1);
    await clock.advance(500);
    await progress.finish({ ok: true, summary: "Opened a draft PR with the fix." });
    expect(clock.pending).toBe(0);
    expect(published.length).toBe(1);
    expect(published[0].body).toBe(
      "### 🚀 Codex is fixing #12: done\n\nOpened a draft PR with the fix.\n\n- [ ] `npm test` (not finished)",
    );
    progress.onEvent(command("c2", "rm -rf /", 0, "completed", "completed"));
    await progress.finish({ ok: false, summary: "second finish" });
    await clock.advance(10_000);
    expect(published.length).toBe(1);
    expect(progress.render()).not.toContain("rm -rf");
  });

  it("shows a failure with its reason", async () => {
    const { published, progress } = rig();
    await progress.finish({ ok: false, summary: "The agent ran out of time (20 min)." });
    expect(published[0].body).toBe("### 😕 Codex is fixing #12: stopped\n\nThe agent ran out of time (20 min).");
  });

  it("keeps publishing after a publish throws, and reports the error", async () => {
    const { clock, published, errors, progress } = rig({ failFirst: 1 });
    progress.onEvent(command("c1", "npm ci", 0, "completed", "completed"));
    await clock.advance(3000);
    expect(published).toEqual([]);
    expect(errors.map(String)).toEqual(["Error: HTTP 502 from GitHub"]);
    progress.onEvent(command("c2", "npm test", 0, "completed", "completed"));
    await clock.advance(3000);
    expect(published.length).toBe(1);
    expect(published[0].body).toContain("`npm ci` (exit 0)");
    expect(published[0].body).toContain("`npm test` (exit 0)");
  });

  it("a throwing onError does not break later edits either", async () => {
    const clock = new FakeClock();
    const bodies: string[] = [];
    let calls = 0;
    const progress = new ProgressComment({
      title: "t",
      now: clock.now,
      setTimer: clock.setTimer,
      clearTimer: clock.clearTimer,
      onError: () => {
        throw new Error("logger down");
      },
      publish: async (body) => {
        calls += 1;
        if (calls === 1) throw new Error("boom");
        bodies.push(body);
      },
    });
    progress.onEvent(command("c1", "a", 0, "completed", "completed"));
    await clock.advance(3000);
    await progress.finish({ ok: true, summary: "ok" });
    expect(bodies.length).toBe(1);
    expect(bodies[0]).toContain("🚀");
  });

  it("flush waits for a slow publish, and edits never overlap", async () => {
    const clock = new FakeClock();
    let active = 0;
    let maxActive = 0;
    const bodies: string[] = [];
    const release: (() => void)[] = [];
    const progress = new ProgressComment({
      title: "slow",
      minIntervalMs: 100,
      now: clock.now,
      setTimer: clock.setTimer,
      clearTimer: clock.clearTimer,
      publish: (body) =>
        new Promise<void>((resolve) => {
          active += 1;
          maxActive = Math.max(maxActive, active);
          release.push(() => {
            active -= 1;
            bodies.push(body);
            resolve();
          });
        }),
    });
    progress.onEvent(command("c1", "one", 0, "completed", "completed"));
    await clock.advance(100);
    progress.onEvent(command("c2", "two", 0, "completed", "completed"));
    await clock.advance(500);
    const finished = progress.finish({ ok: true, summary: "done" });
    let settled = false;
    void finished.then(() => (settled = true));
    while (release.length) {
      release.shift()?.();
      await settle();
    }
    await finished;
    expect(settled).toBe(true);
    expect(maxActive).toBe(1);
    // The edit queued behind the slow one was rendered when its turn came: the final state, not a stale one.
    expect(bodies.length).toBe(2);
    expect(bodies.at(-1)).toMatch(/^### 🚀 slow: done/);
    expect(bodies.at(-1)).toContain("`two`");
  });

  it("rejects bad options clearly", () => {
    expect(() => new ProgressComment({ title: "x", publish: undefined as never })).toThrow(/publish function/);
    expect(() => new ProgressComment({ title: "x", publish: async () => {}, minIntervalMs: -1 })).toThrow(/minIntervalMs/);
  });
});

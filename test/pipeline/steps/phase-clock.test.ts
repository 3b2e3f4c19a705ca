import { describe, expect, it } from "vitest";
import type { JobContext } from "../../../src/jobs/worker/job-context.js";
import { phaseClockOf, timedContext } from "../../../src/pipeline/steps/phase-clock.js";

function fakeContext(phases: string[]): JobContext {
  return {
    key: "k",
    attempt: 1,
    isLastAttempt: true,
    signal: new AbortController().signal,
    setPhase: async (p) => void phases.push(p),
    cancelled: () => false,
  };
}

describe("timedContext", () => {
  it("times phases one after the other, spans that overlap, and first marks, still setting the job's phase", async () => {
    let now = 1_000;
    const seen: string[] = [];
    const timed = timedContext(fakeContext(seen), () => now);
    const clock = phaseClockOf(timed.ctx);
    await timed.ctx.setPhase("config");
    now += 40;
    await timed.ctx.setPhase("workspace");
    const a = clock.span("gather", async () => {
      now += 100;
    });
    await a;
    await clock.span("workspace", async () => {
      now += 30;
    });
    clock.mark("first-signal");
    clock.mark("first-signal", now + 999);
    await timed.ctx.setPhase("config");
    now += 5;
    const t = timed.finish();
    expect(seen).toEqual(["config", "workspace", "config"]);
    expect(t.phases).toEqual({ config: 45, workspace: 130 });
    expect(t.spans).toEqual({ gather: [40, 140], workspace: [140, 170] });
    expect(t.marks).toEqual({ "phase:config": 0, "phase:workspace": 40, "first-signal": 170 });
    expect(t.startedAt).toBe(new Date(1_000).toISOString());
  });

  it("a context the pipeline did not wrap gets a clock that only runs the work", async () => {
    const clock = phaseClockOf(fakeContext([]));
    await expect(clock.span("x", async () => 7)).resolves.toBe(7);
    expect(() => clock.mark("y")).not.toThrow();
  });
});

import { describe, expect, it, vi } from "vitest";
import { WorkerShutdownError } from "../../../src/jobs/worker/hand-back.js";
import type { JobContext } from "../../../src/jobs/worker/job-context.js";
import type { Conversation } from "../../../src/pipeline/steps/conversation.js";
import { endConversationOnError, STOPPED_TEXT } from "../../../src/pipeline/steps/ask-failure.js";

// What a read-only answer job says when its work throws: a person is told on the last attempt or after a stop,
// but a worker shutdown hands the job back to run again, so nobody is told anything yet.
function ctx(over: Partial<JobContext> = {}): JobContext {
  return {
    key: "k",
    attempt: 1,
    isLastAttempt: true,
    signal: new AbortController().signal,
    setPhase: async () => undefined,
    cancelled: () => false,
    ...over,
  };
}
const talk = () => ({ finish: vi.fn(async () => undefined) });

describe("endConversationOnError", () => {
  it("a worker shutdown on the last attempt → rethrown, nothing said (the job is handed back)", async () => {
    const t = talk();
    const reason = new WorkerShutdownError("grace ran out");
    await expect(endConversationOnError(ctx(), t as unknown as Conversation, async () => Promise.reject(reason))).rejects.toBe(reason);
    expect(t.finish).not.toHaveBeenCalled();
  });

  it("any other error on the last attempt → the person hears why", async () => {
    const t = talk();
    await expect(
      endConversationOnError(ctx(), t as unknown as Conversation, async () => Promise.reject(new Error("boom"))),
    ).rejects.toThrow("boom");
    expect(t.finish).toHaveBeenCalledWith(false, expect.stringContaining("boom"));
  });

  it("a cancel → the stopped text; an earlier attempt → silence (a retry follows)", async () => {
    const stopped = talk();
    await expect(
      endConversationOnError(ctx({ cancelled: () => true }), stopped as unknown as Conversation, async () =>
        Promise.reject(new Error("x")),
      ),
    ).rejects.toThrow();
    expect(stopped.finish).toHaveBeenCalledWith(false, STOPPED_TEXT);
    const early = talk();
    await expect(
      endConversationOnError(ctx({ isLastAttempt: false }), early as unknown as Conversation, async () => Promise.reject(new Error("x"))),
    ).rejects.toThrow();
    expect(early.finish).not.toHaveBeenCalled();
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enqueueOnce } from "../../src/jobs/enqueue.js";
import { getJobRecord } from "../../src/jobs/records.js";
import { startWorker, type JobContext } from "../../src/jobs/worker/start-worker.js";
import { openAll, tempDataDir, waitFor } from "./setup.js";

describe("worker (PGlite)", () => {
  let tmp: Awaited<ReturnType<typeof tempDataDir>>;
  let env: Awaited<ReturnType<typeof openAll>>;
  let worker: { stop(): Promise<void> };
  const seen: Array<{ kind: string; data: unknown; ctx: Pick<JobContext, "key" | "attempt" | "isLastAttempt"> }> = [];
  const statusWhileRunning = new Map<string, string | undefined>();
  const FLAKY_GIVE_UP = "fix:o/r:give-up-fails-once";
  const gaveUpAttempts: string[] = [];
  const aborted: Array<{ key: string; reason: string }> = [];
  const gaveUp: Array<{ kind: string; data: unknown; error: string; key: string }> = [];

  beforeAll(async () => {
    tmp = await tempDataDir();
    env = await openAll(tmp.dir);
    worker = await startWorker(env.db, env.queue, {
      concurrency: 2,
      handlers: {
        triage: async (data, ctx) => {
          seen.push({ kind: "triage", data, ctx: { key: ctx.key, attempt: ctx.attempt, isLastAttempt: ctx.isLastAttempt } });
          statusWhileRunning.set(ctx.key, (await getJobRecord(env.db, ctx.key))?.status);
          await ctx.setPhase("gather");
          await new Promise((r) => setTimeout(r, 50));
          await ctx.setPhase("publish");
          return { outcome: "commented", tokens: { input: 1200, output: 345 }, links: { comment: "https://example.test/c/1" } };
        },
        fix: async (data, ctx) => {
          seen.push({ kind: "fix", data, ctx: { key: ctx.key, attempt: ctx.attempt, isLastAttempt: ctx.isLastAttempt } });
          await ctx.setPhase("agent");
          throw new Error(`agent crashed on attempt ${ctx.attempt} with token ghp_${"a".repeat(36)}`);
        },
        slow: async (_data, ctx) => {
          // Like a hung agent run: only the abort signal ends it.
          await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve, { once: true }));
          aborted.push({ key: ctx.key, reason: String((ctx.signal.reason as Error).message) });
          throw ctx.signal.reason;
        },
      },
      onGiveUp: async (kind, data, error, key) => {
        if (key === FLAKY_GIVE_UP && !gaveUpAttempts.includes(key)) {
          gaveUpAttempts.push(key);
          throw new Error("GitHub is down: could not post the failure comment");
        }
        gaveUpAttempts.push(key);
        gaveUp.push({ kind, data, error, key });
      },
    });
  });
  afterAll(async () => {
    await worker.stop();
    await env.close();
    await tmp.remove();
  });

  it("runs a job and records queued → running → succeeded with phase, timings, tokens, outcome and links", async () => {
    const key = "triage:o/r:sha1";
    await enqueueOnce(env.db, env.queue, { key, kind: "triage", repo: "o/r", data: { sha: "sha1" } });
    expect((await getJobRecord(env.db, key))?.status).toBe("queued");
    const record = await waitFor("the triage job to succeed", async () => {
      const r = await getJobRecord(env.db, key);
      return r?.status === "succeeded" ? r : null;
    });
    expect(statusWhileRunning.get(key)).toBe("running");
    expect(record).toMatchObject({
      status: "succeeded",
      phase: "publish",
      attempts: 1,
      outcome: "commented",
      tokens: { input: 1200, output: 345 },
      links: { comment: "https://example.test/c/1" },
      error: null,
    });
    expect(record.durationMs).toBeGreaterThanOrEqual(50);
    expect(Date.parse(record.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(record.startedAt!));
    expect(seen.find((s) => s.ctx.key === key)).toEqual({
      kind: "triage",
      data: { sha: "sha1" },
      ctx: { key, attempt: 1, isLastAttempt: false },
    });
  });

  it("retries a failing handler, then gives up once and records the (redacted) error", async () => {
    const key = "fix:o/r:issue-9";
    await enqueueOnce(env.db, env.queue, { key, kind: "fix", repo: "o/r", data: { issue: 9 } }, { retryLimit: 2 });
    await waitFor("onGiveUp for the fix job", async () => gaveUp.find((g) => g.key === key));
    const attempts = seen.filter((s) => s.ctx.key === key).map((s) => s.ctx);
    expect(attempts).toEqual([
      { key, attempt: 1, isLastAttempt: false },
      { key, attempt: 2, isLastAttempt: false },
      { key, attempt: 3, isLastAttempt: true },
    ]);
    // Wait a few polling rounds: a second give-up would show up here.
    await new Promise((r) => setTimeout(r, 1500));
    const calls = gaveUp.filter((g) => g.key === key);
    expect(calls).toHaveLength(1);
    expect(calls[0].kind).toBe("fix");
    expect(calls[0].data).toEqual({ issue: 9 });
    expect(calls[0].error).toBe("agent crashed on attempt 3 with token [REDACTED]");
    const record = await getJobRecord(env.db, key);
    expect(record).toMatchObject({ status: "failed", attempts: 3, phase: "agent", error: calls[0].error });
    expect(record?.finishedAt).not.toBeNull();
  });

  it("aborts the handler's signal when the attempt outlives its time limit, then gives up", async () => {
    const key = "slow:o/r:1";
    await enqueueOnce(env.db, env.queue, { key, kind: "slow", repo: "o/r", data: {} }, { retryLimit: 0, expireInSeconds: 1 });
    await waitFor("onGiveUp for the slow job", async () => gaveUp.find((g) => g.key === key));
    expect(aborted).toEqual([{ key, reason: "the attempt exceeded its time limit of 1s" }]);
    expect(gaveUp.filter((g) => g.key === key)).toHaveLength(1);
    expect(gaveUp.find((g) => g.key === key)?.error).toMatch(/exceeded/);
    expect(await getJobRecord(env.db, key)).toMatchObject({ status: "failed", attempts: 1 });
  });

  it("calls onGiveUp again when it failed, until it succeeds once", async () => {
    await enqueueOnce(env.db, env.queue, { key: FLAKY_GIVE_UP, kind: "fix", repo: "o/r", data: { issue: 10 } }, { retryLimit: 1 });
    await waitFor("onGiveUp to succeed", async () => gaveUp.find((g) => g.key === FLAKY_GIVE_UP));
    await new Promise((r) => setTimeout(r, 1500));
    expect(gaveUpAttempts.filter((k) => k === FLAKY_GIVE_UP)).toHaveLength(2);
    expect(gaveUp.filter((g) => g.key === FLAKY_GIVE_UP)).toHaveLength(1);
    expect(await getJobRecord(env.db, FLAKY_GIVE_UP)).toMatchObject({ status: "failed", attempts: 2 });
  });
});

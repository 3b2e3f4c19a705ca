import { describe, expect, it } from "vitest";
import { readEnv } from "../../src/config/env.js";
import { submitJob } from "../../src/jobs/submit.js";
import { createRuntime } from "../../src/runtime.js";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pino } from "pino";

// The queue timing an operator (and the fault suite) can set.
describe("queue timing from the environment", () => {
  it("defaults to production's: a 45-minute attempt, retries after 30 s, polling every 2 s, maintenance every minute", () => {
    const env = readEnv({});
    expect(env).toMatchObject({
      JOB_ATTEMPT_SECONDS: 2700,
      JOB_RETRY_DELAY_SECONDS: 30,
      QUEUE_POLL_SECONDS: 2,
      QUEUE_MAINTENANCE_SECONDS: 60,
    });
  });

  it("refuses values pg-boss cannot honour, naming the variable", () => {
    expect(() => readEnv({ QUEUE_POLL_SECONDS: "0.1" })).toThrow(/QUEUE_POLL_SECONDS/);
    expect(() => readEnv({ JOB_ATTEMPT_SECONDS: "5" })).toThrow(/JOB_ATTEMPT_SECONDS/);
  });

  it("reaches the jobs the app enqueues: their time limit and retry delay come from the environment", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "queue-timing-"));
    const env = readEnv({ ROLE: "web", DATA_DIR: dir, JOB_ATTEMPT_SECONDS: "77", JOB_RETRY_DELAY_SECONDS: "3", QUEUE_POLL_SECONDS: "0.5" });
    const runtime = await createRuntime({
      env,
      log: pino({ level: "silent" }),
      processEnv: {},
      installationClient: () => Promise.reject(new Error("unused")),
      appClient: () => Promise.reject(new Error("unused")),
      secrets: undefined as never,
      webBaseUrl: "https://github.com",
    });
    try {
      const repo = { owner: "o", name: "r", fullName: "o/r", installationId: 1 };
      const { id } = await submitJob(runtime.db, runtime.queue, { key: "timing:1", kind: "triage", repo } as never);
      const { rows } = await runtime.db.query<{ expire: number; delay: number }>(
        "SELECT EXTRACT(EPOCH FROM expire_in)::int AS expire, retry_delay AS delay FROM pgboss.job WHERE id = $1::uuid",
        [id],
      );
      expect(rows[0]).toEqual({ expire: 77, delay: 3 });
      expect(runtime.queue.pollingIntervalSeconds).toBe(0.5);
    } finally {
      await runtime.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

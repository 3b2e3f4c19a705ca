import { describe, expect, it } from "vitest";
import { readEnv } from "../../src/config/env.js";

describe("worker liveness from the environment", () => {
  it("defaults to 10 s beats, dead after six of them (60 s)", () => {
    expect(readEnv({})).toMatchObject({ WORKER_HEARTBEAT_SECONDS: 10, WORKER_DEAD_AFTER_SECONDS: 60 });
  });

  it("derives the dead-after time from the beat, or takes it as given", () => {
    expect(readEnv({ WORKER_HEARTBEAT_SECONDS: "2" })).toMatchObject({ WORKER_HEARTBEAT_SECONDS: 2, WORKER_DEAD_AFTER_SECONDS: 12 });
    expect(readEnv({ WORKER_HEARTBEAT_SECONDS: "1", WORKER_DEAD_AFTER_SECONDS: "5" })).toMatchObject({
      WORKER_HEARTBEAT_SECONDS: 1,
      WORKER_DEAD_AFTER_SECONDS: 5,
    });
  });

  it("refuses a dead-after time under two beats (one late beat would count a live worker dead), and a zero beat", () => {
    expect(() => readEnv({ WORKER_HEARTBEAT_SECONDS: "10", WORKER_DEAD_AFTER_SECONDS: "15" })).toThrow(
      /at least twice WORKER_HEARTBEAT_SECONDS/,
    );
    expect(() => readEnv({ WORKER_HEARTBEAT_SECONDS: "0" })).toThrow(/WORKER_HEARTBEAT_SECONDS/);
  });
});

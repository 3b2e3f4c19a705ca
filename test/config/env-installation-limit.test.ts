import { describe, expect, it } from "vitest";
import { readEnv } from "../../src/config/env.js";

describe("MAX_JOBS_PER_INSTALLATION", () => {
  it("defaults to one worker's agent slots (WORKER_CONCURRENCY), and follows it", () => {
    expect(readEnv({}).MAX_JOBS_PER_INSTALLATION).toBe(2);
    expect(readEnv({ WORKER_CONCURRENCY: "6" }).MAX_JOBS_PER_INSTALLATION).toBe(6);
  });

  it("takes the operator's value, and refuses one that is not a positive integer", () => {
    expect(readEnv({ WORKER_CONCURRENCY: "6", MAX_JOBS_PER_INSTALLATION: "1" }).MAX_JOBS_PER_INSTALLATION).toBe(1);
    expect(() => readEnv({ MAX_JOBS_PER_INSTALLATION: "0" })).toThrow(/MAX_JOBS_PER_INSTALLATION/);
    expect(() => readEnv({ MAX_JOBS_PER_INSTALLATION: "two" })).toThrow(/MAX_JOBS_PER_INSTALLATION/);
  });
});

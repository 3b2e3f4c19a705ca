import { describe, expect, it } from "vitest";
import { costOf, DEFAULT_MODEL_PRICES, parseModelPrices } from "../../src/agent/prices.js";
import { readEnv } from "../../src/config/env.js";
import { RepoConfigSchema } from "../../src/config/repo-config.js";
import { formatCost, spendLine } from "../../src/pipeline/steps/spend.js";

describe("price table", () => {
  it("has defaults for the default models of both agents", () => {
    for (const model of ["gpt-5.5", "claude-sonnet-5", "claude-opus-4-8", "claude-haiku-4-5", "sonnet"])
      expect(DEFAULT_MODEL_PRICES[model]?.input).toBeGreaterThan(0);
  });

  it("prices tokens per million, input and output apart", () => {
    const table = parseModelPrices('{"m": {"input": 2, "output": 10}}');
    expect(costOf({ input: 1_000_000, output: 500_000 }, "m", table)).toBe(7);
    expect(costOf({ input: 1234, output: 0 }, "m", table)).toBe(0.002468);
  });

  it("MODEL_PRICES overrides and adds to the defaults", () => {
    const table = parseModelPrices('{"gpt-5.5": {"input": 0, "output": 0}, "local": {"input": 1, "output": 1}}');
    expect(costOf({ input: 10, output: 10 }, "gpt-5.5", table)).toBe(0);
    expect(table.local).toEqual({ input: 1, output: 1 });
    expect(table["claude-sonnet-5"]).toEqual(DEFAULT_MODEL_PRICES["claude-sonnet-5"]);
  });

  it("an unknown model, or none, has an unknown cost, never a guessed one", () => {
    expect(costOf({ input: 100, output: 100 }, "gpt-unknown", DEFAULT_MODEL_PRICES)).toBeNull();
    expect(costOf({ input: 100, output: 100 }, null, DEFAULT_MODEL_PRICES)).toBeNull();
    // Names of Object.prototype are not models.
    expect(costOf({ input: 100, output: 100 }, "constructor", DEFAULT_MODEL_PRICES)).toBeNull();
    expect(formatCost(null)).toBe("cost unknown");
    expect(spendLine({ agent: "codex", model: null, tokens: 12345, costUsd: null, stop: null })).toBe(
      "Codex · 12,345 tokens · cost unknown",
    );
    expect(spendLine({ agent: "claude", model: "claude-sonnet-5", tokens: 1, costUsd: 0.04, stop: null })).toBe(
      "Claude (`claude-sonnet-5`) · 1 tokens · $0.04",
    );
  });

  it("a malformed MODEL_PRICES fails at start", () => {
    expect(() => readEnv({ MODEL_PRICES: "{not json" })).toThrow(/MODEL_PRICES/);
    expect(() => readEnv({ MODEL_PRICES: '{"m": {"input": -1, "output": 1}}' })).toThrow(/MODEL_PRICES/);
    expect(readEnv({ MODEL_PRICES: '{"m": {"input": 1, "output": 1}}' }).INSTALLATION_DAILY_TOKENS).toBe(100_000_000);
  });
});

describe("agent.budget in codex.yml", () => {
  it("defaults to generous limits, and the installation's is left to the operator", () => {
    expect(RepoConfigSchema.parse({}).agent.budget).toEqual({ job_tokens: 2_000_000, repo_daily_tokens: 20_000_000 });
  });

  it("allows 0 (no model calls) and refuses negative or unknown keys", () => {
    expect(RepoConfigSchema.parse({ agent: { budget: { job_tokens: 0 } } }).agent.budget.job_tokens).toBe(0);
    expect(RepoConfigSchema.safeParse({ agent: { budget: { job_tokens: -1 } } }).success).toBe(false);
    expect(RepoConfigSchema.safeParse({ agent: { budget: { prices: {} } } }).success).toBe(false);
  });
});

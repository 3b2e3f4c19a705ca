import { describe, expect, it } from "vitest";
import { parseRepoConfig, type RepoConfig } from "../../../src/config/repo-config.js";
import { chooseAgent, EXPLORE, MIN_TRIES } from "../../../src/pipeline/steps/agent-choice.js";

function config(text: string): RepoConfig {
  const result = parseRepoConfig(text);
  if (!result.ok) throw new Error(result.errors.join("\n"));
  return result.config;
}

const history = (codex: [number, number], claude: [number, number]) => ({
  codex: { runs: codex[0], successes: codex[1] },
  claude: { runs: claude[0], successes: claude[1] },
});

describe("which agent does a job", () => {
  it("fixed routing per kind, else agent.backend, and says which setting chose it", () => {
    const c = config("agent:\n  backend: claude\n  routing: { triage: codex }\n");
    expect(chooseAgent(c, "triage", null)).toEqual({ backend: "codex", reason: "agent.routing.triage: codex" });
    expect(chooseAgent(c, "fix", null)).toEqual({ backend: "claude", reason: "agent.backend: claude" });
    expect(chooseAgent(config(""), "review", null).backend).toBe("codex");
  });

  it("auto tries an agent with fewer than MIN_TRIES runs first, the least tried first", () => {
    const c = config("agent:\n  routing: { fix: auto }\n");
    expect(chooseAgent(c, "fix", history([5, 5], [0, 0]), () => 0.99)).toMatchObject({ backend: "claude" });
    expect(chooseAgent(c, "fix", history([1, 0], [2, 2]), () => 0.99).backend).toBe("codex");
    expect(chooseAgent(c, "fix", null, () => 0.99).reason).toBe("auto: trying Codex (0 fix runs here so far)");
    expect(MIN_TRIES).toBe(3);
  });

  it("auto then takes the better success rate, and explores the other one now and then", () => {
    const c = config("agent:\n  routing: { fix: auto }\n");
    const h = history([10, 6], [10, 9]);
    expect(chooseAgent(c, "fix", h, () => 0.5)).toEqual({
      backend: "claude",
      reason: "auto: Claude 9 of 10 good fix runs here, Codex 6 of 10",
    });
    expect(chooseAgent(c, "fix", h, () => EXPLORE / 2)).toMatchObject({
      backend: "codex",
      reason: expect.stringMatching(/^auto: exploring/),
    });
    // A tie keeps Codex, the default backend.
    expect(chooseAgent(c, "fix", history([4, 2], [4, 2]), () => 0.5).backend).toBe("codex");
  });

  it("an unknown route is a config error naming the key", () => {
    const result = parseRepoConfig("agent:\n  routing: { triage: gemini }\n");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.join("\n")).toContain("`agent.routing.triage`");
  });
});

import { describe, expect, it } from "vitest";
import { parseRepoConfig } from "../../../src/config/repo-config.js";
import { choosePlanner } from "../../../src/pipeline/plan/planner.js";

const config = (planner: string) => {
  const parsed = parseRepoConfig(`plan:\n  planner: ${planner}\n`);
  if (!parsed.ok) throw new Error(parsed.errors.join("; "));
  return parsed.config;
};
const WITH_CLAUDE = { ANTHROPIC_API_KEY: "sk-ant-api03-x" };

describe("choosePlanner", () => {
  it("auto: Claude when the operator configured it, else Codex, with the reason", () => {
    expect(choosePlanner(config("auto"), WITH_CLAUDE)).toEqual({
      ok: true,
      choice: { backend: "claude", reason: "plan.planner: auto, Claude is configured" },
    });
    expect(choosePlanner(config("auto"), {})).toEqual({
      ok: true,
      choice: { backend: "codex", reason: "plan.planner: auto, Claude is not configured" },
    });
  });

  it("codex and claude force one", () => {
    expect(choosePlanner(config("codex"), WITH_CLAUDE)).toMatchObject({ ok: true, choice: { backend: "codex" } });
    expect(choosePlanner(config("claude"), WITH_CLAUDE)).toMatchObject({ ok: true, choice: { backend: "claude" } });
  });

  it("claude without Claude configured is refused, not run against a missing key", () => {
    expect(choosePlanner(config("claude"), {})).toEqual({ ok: false, reason: expect.stringContaining("no Claude configured") });
  });
});

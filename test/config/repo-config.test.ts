import { describe, expect, it } from "vitest";
import { parseRepoConfig, repoConfigJsonSchema } from "../../src/config/repo-config.js";

describe("parseRepoConfig", () => {
  it("fills defaults when the file is missing or empty", () => {
    for (const text of [null, "", "# nothing\n"]) {
      const result = parseRepoConfig(text);
      expect(result.ok).toBe(true);
      if (result.ok) {
        expect(result.config.triage.enabled).toBe(true);
        expect(result.config.triage.autofix).toBe("off");
        expect(result.config.agent.timeout_minutes).toBe(20);
      }
    }
  });

  it("keeps the values a repository sets", () => {
    const result = parseRepoConfig(
      "triage:\n  workflows: [CI]\n  branches: ['release/*']\nagent:\n  model: gpt-5.5\n  timeout_minutes: 5\n",
    );
    expect(result).toMatchObject({
      ok: true,
      config: { triage: { workflows: ["CI"], branches: ["release/*"] }, agent: { model: "gpt-5.5", timeout_minutes: 5 } },
    });
  });

  it("names the wrong key and what was expected", () => {
    const result = parseRepoConfig("triage:\n  enabled: maybe\n  workflow: [CI]\nagent:\n  timeout_minutes: -1\n");
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const text = result.errors.join("\n");
    expect(text).toContain("`triage.enabled`");
    expect(text).toMatch(/expected boolean/i);
    expect(text).toContain("unknown key `triage.workflow`");
    expect(text).toContain("`agent.timeout_minutes`");
  });

  it("limits the bytes of a fix, with defaults and a ceiling the diff reader relies on", () => {
    const defaults = parseRepoConfig(null);
    expect(defaults).toMatchObject({ ok: true, config: { fix: { max_file_bytes: 1024 * 1024, max_total_bytes: 5 * 1024 * 1024 } } });
    expect(parseRepoConfig("fix:\n  max_file_bytes: 2000000\n  max_total_bytes: 8000000\n")).toMatchObject({
      ok: true,
      config: { fix: { max_file_bytes: 2_000_000, max_total_bytes: 8_000_000 } },
    });
    const tooBig = parseRepoConfig("fix:\n  max_file_bytes: 20000000\n  max_total_bytes: 0\n");
    expect(tooBig.ok).toBe(false);
    if (!tooBig.ok) expect(tooBig.errors.join("\n")).toMatch(/`fix.max_file_bytes`[\s\S]*`fix.max_total_bytes`/);
  });

  it("reports YAML syntax errors with a line", () => {
    const result = parseRepoConfig("triage:\n  enabled: true\n   bad: [\n");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]).toMatch(/not valid YAML \(line \d+\)/);
  });

  it("rejects a file whose top level is not a mapping", () => {
    const result = parseRepoConfig("- triage\n");
    expect(result.ok).toBe(false);
  });

  it("exports a JSON Schema for editors", () => {
    const schema = repoConfigJsonSchema() as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties)).toEqual(["_extends", "triage", "fix", "commands", "agent", "maintenance", "plan"]);
  });
});

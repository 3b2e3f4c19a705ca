import { describe, expect, it } from "vitest";
import { helpText } from "../../src/commands/help.js";
import { parseCommand } from "../../src/commands/parse.js";

describe("helpText", () => {
  it("lists every command with a description", () => {
    const text = helpText("/codex");
    for (const usage of [
      "<instruction>",
      "fix",
      "race",
      "triage",
      "review",
      "explain <question>",
      "plan",
      "go",
      "stop",
      "status",
      "help",
    ]) {
      expect(text).toMatch(new RegExp(`^- \`/codex ${usage.replace(/[<>]/g, "\\$&")}[^\`]*\`: \\w+`, "m"));
    }
    expect(text.split("\n").filter((line) => line.startsWith("- ")).length).toBe(11);
  });

  it("uses the configured prefix, and every example it shows parses as the command it names", () => {
    const text = helpText("/Bot");
    expect(text).not.toContain("/codex");
    expect(text).toContain("`/bot fix [details]`");
    expect(parseCommand("/bot triage", "/bot")?.name).toBe("triage");
    const example = /Example: `([^`]+)`/.exec(text)?.[1] ?? "";
    expect(parseCommand(example, "/bot")).toMatchObject({ name: "fix", args: "the flaky test in auth.spec.ts" });
  });

  it("names the configured permission level", () => {
    expect(helpText("/codex")).toContain("you need write access");
    expect(helpText("/codex", "admin")).toContain("you need admin access");
  });

  it("rejects an invalid prefix", () => {
    expect(() => helpText("codex")).toThrow(/invalid/);
  });
});

import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { flakyTestCommand, taskInstruction, taskVerifyCommand } from "../../src/config/maintenance-config.js";
import { MAINTENANCE_PRESETS, MAINTENANCE_PRESET_PROMPTS } from "../../src/config/maintenance-presets.js";
import { parseRepoConfig, type RepoConfig } from "../../src/config/repo-config.js";

function task(fields: string): string {
  return `maintenance:\n  tasks:\n    - ${fields.trim().split("\n").join("\n      ")}\n`;
}

function errorsOf(text: string): string {
  const result = parseRepoConfig(text);
  expect(result.ok).toBe(false);
  return result.ok ? "" : result.errors.join("\n");
}

function configOf(text: string): RepoConfig {
  const result = parseRepoConfig(text);
  if (!result.ok) throw new Error(result.errors.join("\n"));
  return result.config;
}

describe("maintenance config", () => {
  it("defaults to no tasks, with limits, a flaky chaser and a dashboard", () => {
    expect(configOf("").maintenance).toEqual({
      tasks: [],
      max_open_prs: 3,
      daily_runs: 10,
      daily_tokens: 2_000_000,
      flaky: { threshold: 3, window_days: 14, runs: 20, command: null },
      dashboard: { enabled: true, title: "Codex dispatch dashboard" },
    });
  });

  it("parses a task with a preset and one with a prompt, filling timezone and enabled", () => {
    const config = configOf(
      "maintenance:\n" +
        "  max_open_prs: 2\n" +
        "  tasks:\n" +
        "    - name: weekly-docs\n      schedule: '0 3 * * 1'\n      preset: docs\n      paths: ['README.md', 'docs/**']\n      verify_command: null\n" +
        "    - name: deps-notes\n      schedule: '30 6 1 * *'\n      timezone: Europe/Berlin\n      prompt: Summarise outdated dependencies in DEPS.md\n      enabled: false\n",
    );
    expect(config.maintenance.max_open_prs).toBe(2);
    const [docs, notes] = config.maintenance.tasks;
    expect(docs).toEqual({
      name: "weekly-docs",
      schedule: "0 3 * * 1",
      timezone: "UTC",
      preset: "docs",
      paths: ["README.md", "docs/**"],
      verify_command: null,
      enabled: true,
    });
    expect(notes).toMatchObject({ timezone: "Europe/Berlin", enabled: false, prompt: "Summarise outdated dependencies in DEPS.md" });
    expect(taskInstruction(docs)).toBe(MAINTENANCE_PRESET_PROMPTS.docs);
    expect(taskInstruction(notes)).toBe("Summarise outdated dependencies in DEPS.md");
    // null turns the verify step off; omitted falls back to fix.verify_command.
    expect(taskVerifyCommand(docs, "npm test")).toBeNull();
    expect(taskVerifyCommand(notes, "npm test")).toBe("npm test");
  });

  it("has a short instruction for every preset", () => {
    for (const preset of MAINTENANCE_PRESETS) {
      expect(MAINTENANCE_PRESET_PROMPTS[preset].length).toBeGreaterThan(50);
      expect(MAINTENANCE_PRESET_PROMPTS[preset].length).toBeLessThan(600);
    }
    expect(MAINTENANCE_PRESET_PROMPTS["agents-md"]).toContain("AGENTS.md");
  });

  it.each([
    ["a 4-field schedule", "* * * *", /`maintenance.tasks.0.schedule`: expected five fields.*got 4/],
    ["a 6-field schedule with seconds", "0 0 3 * * 1", /`maintenance.tasks.0.schedule`: expected five fields.*got 6/],
    ["an @alias", "'@daily'", /`maintenance.tasks.0.schedule`: expected five fields/],
    ["a minute out of range", "61 * * * *", /`maintenance.tasks.0.schedule`: not a valid cron expression.*61/],
    ["a day that never comes", "0 0 31 2 *", /`maintenance.tasks.0.schedule`: not a valid cron expression/],
  ])("rejects %s as the schedule", (_name, schedule, expected) => {
    expect(errorsOf(task(`name: t\nschedule: ${schedule.startsWith("'") ? schedule : `'${schedule}'`}\npreset: lint`))).toMatch(expected);
  });

  it("rejects an unknown time zone", () => {
    expect(errorsOf(task("name: t\nschedule: '0 3 * * *'\ntimezone: Mars/Olympus_Mons\npreset: lint"))).toBe(
      "`maintenance.tasks.0.timezone`: not an IANA time zone name, like UTC or Europe/Berlin",
    );
  });

  it("rejects both prompt and preset, and neither", () => {
    expect(errorsOf(task("name: t\nschedule: '0 3 * * *'\nprompt: do it\npreset: lint"))).toBe(
      '`maintenance.tasks.0.prompt`: task "t" sets both `prompt` and `preset`: keep one',
    );
    expect(errorsOf(task("name: t\nschedule: '0 3 * * *'"))).toBe(
      '`maintenance.tasks.0`: task "t" needs a `prompt` (your own instruction) or a `preset` (docs, tests, lint, flaky, agents-md)',
    );
  });

  it("rejects duplicate task names, naming the duplicate and the first", () => {
    const text =
      "maintenance:\n  tasks:\n" +
      "    - { name: docs, schedule: '0 3 * * *', preset: docs }\n" +
      "    - { name: lint, schedule: '0 4 * * *', preset: lint }\n" +
      "    - { name: docs, schedule: '0 5 * * *', preset: tests }\n";
    expect(errorsOf(text)).toBe('`maintenance.tasks.2.name`: duplicate task name "docs" (also tasks.0)');
  });

  it("rejects unknown keys, bad names, an unknown preset and out-of-range limits", () => {
    const text =
      "maintenance:\n  max_open_prs: 21\n  flaky:\n    runs: 101\n  dashbord: {}\n  tasks:\n" +
      "    - { name: Weekly_Docs, schedule: '0 3 * * *', preset: typos, verify: npm test }\n";
    const errors = errorsOf(text);
    expect(errors).toContain("`maintenance.max_open_prs`");
    expect(errors).toContain("`maintenance.flaky.runs`");
    expect(errors).toContain("unknown key `maintenance.dashbord`");
    expect(errors).toContain("unknown key `maintenance.tasks.0.verify`");
    expect(errors).toContain("`maintenance.tasks.0.name`: 1-40 lowercase letters, digits or dashes");
    expect(errors).toMatch(/`maintenance.tasks.0.preset`: .*"docs"/);
  });

  it("limits the number of tasks and the prompt's length", () => {
    const many = Array.from({ length: 21 }, (_, i) => `    - { name: t${i}, schedule: '0 3 * * *', preset: docs }\n`).join("");
    expect(errorsOf(`maintenance:\n  tasks:\n${many}`)).toMatch(/`maintenance.tasks`: .*20/);
    expect(errorsOf(task(`name: t\nschedule: '0 3 * * *'\nprompt: ${"x".repeat(4001)}`))).toMatch(/`maintenance.tasks.0.prompt`: .*4000/);
  });

  it("parses the README's examples as they are written", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const start = readme.indexOf("### The repository: `.github/codex.yml`");
    const section = readme.slice(start, readme.indexOf("\n### ", start + 1));
    const blocks = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1]);
    expect(blocks).toHaveLength(2);
    // The full listing shows the defaults (agent.model aside).
    expect(configOf(blocks[0]).maintenance).toEqual(configOf("").maintenance);
    const tasks = configOf(blocks[1]).maintenance.tasks;
    expect(tasks.map((t) => t.preset ?? "prompt")).toEqual(["docs", "tests", "lint", "flaky", "agents-md", "prompt"]);
  });

  it("a flaky task needs flaky.command with {test}: the error names the key and the task", () => {
    expect(errorsOf(task("name: chase\nschedule: '0 5 * * *'\npreset: flaky"))).toMatch(
      /`maintenance.flaky.command`: task "chase" uses the flaky preset, which needs a command that runs one test/,
    );
    expect(errorsOf("maintenance:\n  flaky: { command: 'npm test' }\n")).toMatch(/`maintenance.flaky.command`: needs \{test\}/);
  });

  it("the test's name goes into the command as one shell word, whatever it holds", async () => {
    const name = `it's "odd" $(touch pwned) \`id\` ; exit 3`;
    const command = flakyTestCommand("printf '%s|' {test} end", name);
    const { stdout } = await promisify(execFile)("sh", ["-c", command], { cwd: tmpdir() });
    expect(stdout).toBe(`${name}|end|`);
  });
});

// The instruction each maintenance preset gives Codex. A task sets either its own `prompt` or one of these.
// Short and concrete on purpose: the task runs unattended on the default branch, and its result is a draft
// PR a maintainer reviews, so each prompt says what to change, what to leave alone, and how to check it.

export const MAINTENANCE_PRESETS = ["docs", "tests", "lint", "flaky", "agents-md"] as const;

export type MaintenancePreset = (typeof MAINTENANCE_PRESETS)[number];

export const MAINTENANCE_PRESET_PROMPTS: Readonly<Record<MaintenancePreset, string>> = {
  docs: [
    "Bring the README and the API documentation in line with the code as it is now.",
    "Fix commands, options, defaults, function signatures and examples that no longer match the source; remove docs for things that are gone.",
    "Change documentation only, never code. If everything already matches, change nothing.",
  ].join("\n"),
  tests: [
    "Add tests for code that has none: pick a few untested functions or modules with real logic.",
    "Follow the repository's existing test framework, layout and style; test behaviour, not implementation details.",
    "Do not change the code under test. Every test you add must pass with the repository's test command.",
  ].join("\n"),
  lint: [
    "Run the repository's own linter with its own configuration and fix what it reports.",
    "Fix the code, do not silence the rule: no disable comments, no config changes, no new dependencies.",
    "Keep behaviour unchanged; if a finding needs a design decision, leave it and say so in your summary.",
  ].join("\n"),
  flaky: [
    "The test named below fails intermittently. Find why (timing, ordering, shared state, randomness, network, time zone) and make it deterministic.",
    "Fix the cause, in the test or in the code it exercises; do not add retries, longer sleeps or skip it.",
    "The fix is verified by running the test many times before and after your change.",
  ].join("\n"),
  "agents-md": [
    "Keep AGENTS.md (and CLAUDE.md if the repository has one) current for coding agents.",
    "Record the build, lint and test commands that actually worked in this run, and the causes of failure that recur in the triage notes below.",
    "Be brief and factual; remove instructions that are no longer true. Change only those files.",
  ].join("\n"),
};

import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Tests spawn real codex and git processes; two cores are all a CI machine has.
    maxWorkers: 2,
    // In CI a JSON report too, so .ci/run can print one plain closing line with the counts.
    reporters: process.env.CI ? ["default", ["json", { outputFile: "test-results.json" }]] : ["default"],
  },
});

import { readFileSync } from "node:fs";
import Ajv from "ajv";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { renderRepoConfigJsonSchema } from "../../src/config/repo-config.js";

const committed = readFileSync(new URL("../../schema/codex.schema.json", import.meta.url), "utf8");

describe("schema/codex.schema.json", () => {
  it("is what the zod schema generates (run `npm run schema` after changing the config)", () => {
    expect(committed).toBe(renderRepoConfigJsonSchema());
  });

  it("is a draft-7 schema editors can use, with the maintenance section and _extends", () => {
    const schema = JSON.parse(committed) as {
      $schema: string;
      additionalProperties: boolean;
      properties: Record<string, { properties?: Record<string, unknown> }>;
    };
    expect(schema.$schema).toBe("http://json-schema.org/draft-07/schema#");
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties._extends).toMatchObject({ type: "string" });
    expect(Object.keys(schema.properties.maintenance.properties ?? {})).toEqual([
      "tasks",
      "max_open_prs",
      "daily_runs",
      "daily_tokens",
      "flaky",
      "dashboard",
    ]);
  });

  it("accepts a config with maintenance tasks and _extends, and flags a misspelt key, as an editor would", () => {
    const validate = new Ajv({ allErrors: true }).compile(JSON.parse(committed) as object);
    const good = parseYaml(
      "_extends: acme/.github\nfix:\n  verify_command: npm test\nmaintenance:\n  tasks:\n" +
        "    - { name: weekly-docs, schedule: '0 3 * * 1', preset: docs, paths: [README.md] }\n" +
        "    - { name: nightly, schedule: '0 2 * * *', timezone: Europe/Berlin, prompt: Tidy the changelog, verify_command: null }\n",
    ) as unknown;
    expect(validate(good), JSON.stringify(validate.errors)).toBe(true);
    expect(validate(parseYaml("maintenance:\n  tasks:\n    - { name: a, schedule: '0 3 * * 1', preset: docs, enable: false }\n"))).toBe(
      false,
    );
    expect(JSON.stringify(validate.errors)).toContain("enable");
  });
});

#!/usr/bin/env node
// `npm run schema`: writes schema/codex.schema.json, the JSON Schema of `.github/codex.yml`, from the zod
// schema the App parses the file with (built to dist/ first). test/config/schema-file.test.ts fails when the
// committed file differs from what the code generates, so the published schema cannot go stale.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { renderRepoConfigJsonSchema } from "../dist/src/config/repo-config.js";

const target = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "schema", "codex.schema.json");
mkdirSync(path.dirname(target), { recursive: true });
writeFileSync(target, renderRepoConfigJsonSchema());
console.log(`wrote ${path.relative(process.cwd(), target)}`);

import { parse as parseYaml, YAMLParseError } from "yaml";
import { z } from "zod";

// `.github/codex.yml`. Every key has a safe default, so a repository without the file gets triage with
// comments only. Objects are strict: a misspelt key is an error the maintainer sees, not a silent default.
const TriageSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    // Workflow names or file paths (`ci.yml`, `.github/workflows/ci.yml`); empty means all.
    workflows: z.array(z.string().min(1)).default([]),
    // Branch globs (`main`, `release/*`); empty means all.
    branches: z.array(z.string().min(1)).default([]),
    // Check runs from other CI apps (by check run name); empty means all.
    check_runs: z.array(z.string().min(1)).default([]),
    autofix: z.enum(["off", "draft-pr"]).default("off"),
    // How many triage jobs the bot's own `codex/` branches may start per day: stops a fix → fail → fix loop.
    bot_branch_budget: z.number().int().min(0).max(20).default(2),
  })
  .prefault({});

const AgentSchema = z
  .strictObject({
    model: z.string().min(1).optional(),
    timeout_minutes: z.number().positive().max(120).default(20),
  })
  .prefault({});

export const RepoConfigSchema = z
  .strictObject({
    triage: TriageSchema,
    agent: AgentSchema,
  })
  .prefault({});

export type RepoConfig = z.infer<typeof RepoConfigSchema>;

export type ConfigResult = { ok: true; config: RepoConfig } | { ok: false; errors: string[] };

export const CONFIG_PATH = ".github/codex.yml";

export function defaultRepoConfig(): RepoConfig {
  return RepoConfigSchema.parse({});
}

/** Parses the file's text (null = no file). Errors name the key and what was expected. */
export function parseRepoConfig(text: string | null): ConfigResult {
  if (text === null || text.trim() === "") return { ok: true, config: defaultRepoConfig() };
  let raw: unknown;
  try {
    raw = parseYaml(text, { prettyErrors: true });
  } catch (err) {
    const where = err instanceof YAMLParseError && err.linePos ? ` (line ${err.linePos[0].line})` : "";
    return { ok: false, errors: [`${CONFIG_PATH} is not valid YAML${where}: ${(err as Error).message.split("\n")[0]}`] };
  }
  if (raw === null || raw === undefined) return { ok: true, config: defaultRepoConfig() };
  const result = RepoConfigSchema.safeParse(raw);
  if (result.success) return { ok: true, config: result.data };
  return { ok: false, errors: result.error.issues.map(describeIssue) };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const key = issue.path.length ? issue.path.join(".") : "(top level)";
  if (issue.code === "unrecognized_keys") {
    const where = issue.path.length ? `${issue.path.join(".")}.` : "";
    return `unknown key ${issue.keys.map((k) => `\`${where}${k}\``).join(", ")}`;
  }
  return `\`${key}\`: ${issue.message}`;
}

/** The JSON Schema of the file, for editors and the README. */
export function repoConfigJsonSchema(): object {
  return z.toJSONSchema(RepoConfigSchema, { io: "input" });
}

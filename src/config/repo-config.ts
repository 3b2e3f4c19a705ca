import { parse as parseYaml, YAMLParseError } from "yaml";
import { z } from "zod";
import { DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_TOTAL_BYTES, FILE_BYTES_CEILING, TOTAL_BYTES_CEILING } from "../workspace/size-limits.js";

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

// Fix PRs: what the bot may commit, and how it hands the PR to reviewers (people or another agent).
const FixSchema = z
  .strictObject({
    labels: z.array(z.string().min(1).max(50)).max(10).default(["codex"]),
    reviewers: z.array(z.string().min(1)).max(10).default([]),
    team_reviewers: z.array(z.string().min(1)).max(10).default([]),
    // Posted on the PR once it is ready, e.g. "@claude review", so a reviewing agent picks it up.
    mention: z.string().min(1).max(200).nullable().default(null),
    max_open_prs: z.number().int().min(0).max(50).default(5),
    max_review_rounds: z.number().int().min(0).max(10).default(3),
    // Run in the sandbox before and after the agent's change, e.g. the failing test command.
    verify_command: z.string().min(1).max(500).nullable().default(null),
    // Also needs the App's `workflows: write` permission.
    allow_workflows: z.boolean().default(false),
    max_files: z.number().int().min(1).max(200).default(20),
    max_lines: z.number().int().min(1).max(5000).default(500),
    deny_paths: z.array(z.string().min(1)).default([]),
    // Bytes of new content per file and in all: a one-line 40 MB file is one line. The ceilings are what
    // the bot reads at most (see workspace/size-limits.ts).
    max_file_bytes: z.number().int().min(1).max(FILE_BYTES_CEILING).default(DEFAULT_MAX_FILE_BYTES),
    max_total_bytes: z.number().int().min(1).max(TOTAL_BYTES_CEILING).default(DEFAULT_MAX_TOTAL_BYTES),
  })
  .prefault({});

// Who may start work, and how: `/codex …` comments and the issue label.
const CommandsSchema = z
  .strictObject({
    prefix: z
      .string()
      .regex(/^\/[a-z0-9-]{1,19}$/, "a slash and 1-19 lowercase letters, digits or dashes, like /codex")
      .default("/codex"),
    permission: z.enum(["read", "triage", "write", "maintain", "admin"]).default("write"),
    label: z.string().min(1).max(50).default("codex"),
  })
  .prefault({});

const AgentSchema = z
  .strictObject({
    model: z.string().min(1).optional(),
    // Jobs expire after 45 minutes in the queue (a dead worker's job is retried then): stay below it.
    timeout_minutes: z.number().positive().max(40).default(20),
  })
  .prefault({});

export const RepoConfigSchema = z
  .strictObject({
    triage: TriageSchema,
    fix: FixSchema,
    commands: CommandsSchema,
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

import { parse as parseYaml, YAMLParseError } from "yaml";
import { z } from "zod";
import { MaintenanceSchema } from "./maintenance-config.js";
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
    // Ask the other agent too when the first one's confidence is at most this: the comment says whether they
    // agree, and shows both causes when they do not. Costs a second run; off by default.
    second_opinion: z.enum(["off", "low", "medium"]).default("off"),
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
    // After the other agent drafts or updates a fix PR, this agent reviews it (a PR review with line comments);
    // if it asks for changes, the PR's author does one more round, within max_review_rounds. Costs a run per push.
    second_opinion: z.enum(["off", "claude", "codex"]).default("off"),
    // Bot accounts (e.g. another agent's App) whose reviews on the bot's PRs start rounds like a person's; any
    // other bot's review is ignored. A listed bot needs no repository permission: listing it here is the grant.
    review_bots: z
      .array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,38}\[bot\]$/, "a bot login like `claude[bot]`"))
      .max(10)
      .default([]),
    // Both agents attempt every fix at once, each in its own checkout; the checks pick the winner (fix/race.ts).
    // Costs both runs. `/codex race <instruction>` races one request whatever this says.
    race: z.boolean().default(false),
    // Who judges a race: `verify` (the bot's verify command, at once) or `checks` (both candidates pushed as draft
    // PRs; the repository's own CI decides, and the loser's PR is closed: pipeline/fix/race-judge.ts).
    race_judge: z.enum(["verify", "checks"]).default("verify"),
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
    // Which CLI does the work: OpenAI's Codex or Anthropic's Claude Code (same sandbox levels, proxy and isolation).
    backend: z.enum(["codex", "claude"]).default("codex"),
    // The model of `backend`. Default: CODEX_MODEL for codex, CLAUDE_MODEL for claude.
    model: z.string().min(1).optional(),
    // Per agent, when routing sends work to both (overrides `model` for that agent).
    models: z.strictObject({ codex: z.string().min(1).optional(), claude: z.string().min(1).optional() }).prefault({}),
    // Which agent does each kind of work; omitted kinds use `backend`. `auto` learns from this repository's
    // recorded runs of that kind (see pipeline/steps/agent-choice.ts).
    routing: z
      .strictObject({
        triage: z.enum(["codex", "claude", "auto"]).optional(),
        fix: z.enum(["codex", "claude", "auto"]).optional(),
        review: z.enum(["codex", "claude", "auto"]).optional(),
        explain: z.enum(["codex", "claude", "auto"]).optional(),
      })
      .prefault({}),
    // Jobs expire after 45 minutes in the queue (a dead worker's job is retried then): stay below it.
    timeout_minutes: z.number().positive().max(40).default(20),
    // Tokens the key proxy lets a job, this repository per UTC day, and the whole installation per UTC day
    // spend (0: no model calls). The installation's limit is the operator's (INSTALLATION_DAILY_TOKENS): a
    // repository can only lower it. Once one is spent the proxy refuses the agent's next model call.
    budget: z
      .strictObject({
        job_tokens: z.number().int().min(0).default(2_000_000),
        repo_daily_tokens: z.number().int().min(0).default(20_000_000),
        installation_daily_tokens: z.number().int().min(0).optional(),
      })
      .prefault({}),
  })
  .prefault({});

// Plans ([9/13]): an issue's task list fanned out to parallel fix jobs, each its own draft PR on
// codex/plan/<issue>-<n> (pipeline/plan/). `/codex plan <goal>` has the planner write the list first.
const PlanSchema = z
  .strictObject({
    // The label that runs an issue's task list as a plan (like `codex` for one fix).
    label: z.string().min(1).max(50).default("codex-plan"),
    // Items running at once; the rest wait their turn (and `(after N)` items wait for item N's PR).
    max_parallel: z.number().int().min(1).max(10).default(3),
    // Items per plan: a list longer than this is refused, not truncated.
    max_items: z.number().int().min(1).max(50).default(20),
    // Posted once every item has a PR or failed, e.g. "@claude review"; null: fix.mention, if set.
    mention: z.string().min(1).max(200).nullable().default(null),
    // Who writes the plan for `/codex plan <goal>`: Claude when the operator configured it, else Codex.
    planner: z.enum(["auto", "codex", "claude"]).default("auto"),
  })
  .prefault({});

const sections = {
  triage: TriageSchema,
  fix: FixSchema,
  commands: CommandsSchema,
  agent: AgentSchema,
  maintenance: MaintenanceSchema,
  plan: PlanSchema,
};

/** The configuration the pipelines use: the file after its `_extends` chain is merged in. */
export const RepoConfigSchema = z.strictObject(sections).prefault({});

// Probot's convention: `repo`, `owner/repo` or `owner/repo:path/file.yml` (config-extends.ts resolves it).
// No `i` flag: the pattern is published in the JSON Schema, which has no flags.
export const EXTENDS_PATTERN = /^(?:([A-Za-z\d](?:[A-Za-z\d]|-(?=[A-Za-z\d])){0,38})\/)?([-_.\w]{1,100})(?::([-_./\w]{1,200}\.ya?ml))?$/;

// What a repository writes: the sections plus `_extends`. Only for the published JSON Schema, so editors
// accept `_extends`; parsing goes through RepoConfigSchema once the chain is merged.
const RepoConfigFileSchema = z.strictObject({
  _extends: z
    .string()
    .regex(EXTENDS_PATTERN)
    .optional()
    .describe("Organisation defaults: `repo` (same owner), `owner/repo` or `owner/repo:path/file.yml`, read from its default branch"),
  ...sections,
});

export type RepoConfig = z.infer<typeof RepoConfigSchema>;

export type ConfigResult = { ok: true; config: RepoConfig } | { ok: false; errors: string[] };

export const CONFIG_PATH = ".github/codex.yml";

export function defaultRepoConfig(): RepoConfig {
  return RepoConfigSchema.parse({});
}

/** Parses the file's text (null = no file) without following `_extends`. Errors name the key and what was expected. */
export function parseRepoConfig(text: string | null): ConfigResult {
  const read = readConfigYaml(text, CONFIG_PATH);
  return read.ok ? validateRepoConfig(read.raw) : read;
}

/** The YAML of a config file (`where` names it in errors); null text, empty or comment-only → undefined. */
export function readConfigYaml(text: string | null, where: string): { ok: true; raw: unknown } | { ok: false; errors: string[] } {
  if (text === null || text.trim() === "") return { ok: true, raw: undefined };
  try {
    return { ok: true, raw: parseYaml(text, { prettyErrors: true }) ?? undefined };
  } catch (err) {
    const line = err instanceof YAMLParseError && err.linePos ? ` (line ${err.linePos[0].line})` : "";
    return { ok: false, errors: [`${where} is not valid YAML${line}: ${(err as Error).message.split("\n")[0]}`] };
  }
}

/** Checks parsed YAML against the schema and fills the defaults. */
export function validateRepoConfig(raw: unknown): ConfigResult {
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

/** The JSON Schema of the file, for editors and the README. Draft 7: what yaml-language-server reads. */
export function repoConfigJsonSchema(): Record<string, unknown> {
  // Refinements (cron, time zone, unique names, prompt xor preset) have no JSON Schema form: left out.
  const schema = z.toJSONSchema(RepoConfigFileSchema, { io: "input", target: "draft-7", unrepresentable: "any" });
  return {
    ...schema,
    title: "codex-dispatch .github/codex.yml",
    description: "Every key is optional; see the README's Configuration section.",
  };
}

/** The text of schema/codex.schema.json, written by `npm run schema` and compared by a test. */
export function renderRepoConfigJsonSchema(): string {
  return `${JSON.stringify(repoConfigJsonSchema(), null, 2)}\n`;
}

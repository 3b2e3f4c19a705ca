import cronParser from "cron-parser";
import { z } from "zod";
import { MAINTENANCE_PRESETS, MAINTENANCE_PRESET_PROMPTS } from "./maintenance-presets.js";

// `maintenance:` in `.github/codex.yml`: scheduled tasks that run Codex on the default branch and keep one
// living draft PR each on `codex/maintenance/<name>`. Nothing runs unless a repository lists tasks.

const CRON_HINT = "five fields: minute hour day-of-month month day-of-week, like `0 3 * * 1`";

/** Why `expression` is not a 5-field cron expression, or null when it is one. */
function cronProblem(expression: string): string | null {
  // cron-parser also takes a seconds field, four fields and @aliases; the scheduler wants exactly five.
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5 || fields[0] === "") return `expected ${CRON_HINT}; got ${fields[0] === "" ? 0 : fields.length}`;
  try {
    cronParser.parseExpression(expression);
    return null;
  } catch (error) {
    return `not a valid cron expression (${CRON_HINT}): ${(error as Error).message}`;
  }
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat(undefined, { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const TaskSchema = z
  .strictObject({
    // Part of the branch name `codex/maintenance/<name>` and of the dashboard's checkbox.
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, "1-40 lowercase letters, digits or dashes, starting with a letter or digit")
      .describe("Unique; the task's branch is codex/maintenance/<name>"),
    schedule: z
      .string()
      .superRefine((value, ctx) => {
        const problem = cronProblem(value);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      })
      .describe("Cron, five fields: minute hour day-of-month month day-of-week, e.g. `0 3 * * 1`"),
    timezone: z.string().refine(isTimeZone, "not an IANA time zone name, like UTC or Europe/Berlin").default("UTC"),
    prompt: z.string().min(1).max(4000).optional().describe("Your own instruction; set this or `preset`, not both"),
    preset: z.enum(MAINTENANCE_PRESETS).optional().describe("A built-in instruction; set this or `prompt`, not both"),
    // Globs limiting what the task may change (on top of fix.deny_paths); omitted = whatever fix allows.
    paths: z.array(z.string().min(1).max(200)).min(1).max(50).optional(),
    // Omitted: fix.verify_command. null: no verify step for this task (a docs task need not run the tests).
    verify_command: z.string().min(1).max(500).nullable().optional().describe("Omitted: fix.verify_command; null: none"),
    enabled: z.boolean().default(true),
  })
  .superRefine((task, ctx) => {
    const label = `task "${task.name}"`;
    if (task.prompt !== undefined && task.preset !== undefined) {
      ctx.addIssue({ code: "custom", path: ["prompt"], message: `${label} sets both \`prompt\` and \`preset\`: keep one` });
    } else if (task.prompt === undefined && task.preset === undefined) {
      ctx.addIssue({
        code: "custom",
        message: `${label} needs a \`prompt\` (your own instruction) or a \`preset\` (${MAINTENANCE_PRESETS.join(", ")})`,
      });
    }
  });

const TasksSchema = z
  .array(TaskSchema)
  .max(20)
  .superRefine((tasks, ctx) => {
    const first = new Map<string, number>();
    tasks.forEach((task, index) => {
      const earlier = first.get(task.name);
      if (earlier === undefined) first.set(task.name, index);
      else ctx.addIssue({ code: "custom", path: [index, "name"], message: `duplicate task name "${task.name}" (also tasks.${earlier})` });
    });
  })
  .default([]);

const FlakySchema = z
  .strictObject({
    // Failures triage classified as flaky within the window that make a test a candidate for the chaser.
    threshold: z.number().int().min(1).max(100).default(3),
    window_days: z.number().int().min(1).max(90).default(14),
    // Times the verify step runs the test before and after the change.
    runs: z.number().int().min(1).max(100).default(20),
    // How to run one test: `{test}` becomes the test's name, shell-quoted. Needed by a task with `preset: flaky`.
    command: z
      .string()
      .min(1)
      .max(500)
      .refine((c) => c.includes("{test}"), "needs {test} where the test's name goes, like `npx vitest run -t {test}`")
      .nullable()
      .default(null)
      .describe("Runs one test; {test} becomes its name, shell-quoted. e.g. `pytest -k {test}`"),
  })
  .prefault({});

const DashboardSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    title: z
      .string()
      .regex(/^[^\r\n]{1,100}$/, "one line of 1-100 characters")
      .default("Codex dispatch dashboard"),
  })
  .prefault({});

export const MaintenanceSchema = z
  .strictObject({
    tasks: TasksSchema,
    // Open maintenance draft PRs per repository (one per task at most).
    max_open_prs: z.number().int().min(0).max(20).default(3),
    // Maintenance runs (scheduled and run-now) per repository per UTC day, and the tokens they may spend.
    daily_runs: z.number().int().min(0).max(200).default(10),
    daily_tokens: z.number().int().min(0).max(100_000_000).default(2_000_000),
    flaky: FlakySchema,
    dashboard: DashboardSchema,
  })
  .superRefine((m, ctx) => {
    const chaser = m.tasks.find((t) => t.preset === "flaky");
    if (chaser && m.flaky.command === null)
      ctx.addIssue({
        code: "custom",
        path: ["flaky", "command"],
        message: `task "${chaser.name}" uses the flaky preset, which needs a command that runs one test, with {test} where its name goes (like \`npx vitest run -t {test}\`)`,
      });
  })
  .prefault({});

export type MaintenanceConfig = z.infer<typeof MaintenanceSchema>;
export type MaintenanceTask = MaintenanceConfig["tasks"][number];

/** The instruction a task gives Codex: its own prompt, else its preset's. */
export function taskInstruction(task: MaintenanceTask): string {
  if (task.prompt !== undefined) return task.prompt;
  // The schema guarantees exactly one of the two.
  if (task.preset === undefined) throw new Error(`maintenance task "${task.name}" has neither prompt nor preset`);
  return MAINTENANCE_PRESET_PROMPTS[task.preset];
}

/** The task's verify command: its own (null = none), else the fix section's. */
export function taskVerifyCommand(task: MaintenanceTask, fixVerifyCommand: string | null): string | null {
  return task.verify_command === undefined ? fixVerifyCommand : task.verify_command;
}

/** The flaky preset's command for one test: `{test}` becomes the name in single quotes (a shell word, whatever it holds). */
export function flakyTestCommand(template: string, test: string): string {
  const quoted = `'${test.replace(/'/g, "'\\''")}'`;
  return template.split("{test}").join(quoted);
}

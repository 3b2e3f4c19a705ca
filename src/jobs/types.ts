import { z } from "zod";
/**
 * The default branch's `.github/codex.yml` as the command job read it: its follow-up job does not fetch it again.
 * Validated where it is used (load-config.ts): the config schema fills defaults, which must not turn "absent" here
 * into "the default config".
 */
const ConfigSnapshot = z.unknown().optional();

const AgentBackendSchema = z.enum(["codex", "claude"]);

// What a handler puts on the queue. The worker re-validates it: a job written by an older version, or by
// hand, must fail with a clear error rather than half-run.
export const RepoRefSchema = z.object({
  owner: z.string().min(1),
  name: z.string().min(1),
  fullName: z.string().min(3),
  cloneUrl: z.string().min(1),
  defaultBranch: z.string().min(1),
  private: z.boolean(),
});
export type RepoRef = z.infer<typeof RepoRefSchema>;

const WorkflowRunSourceSchema = z.object({
  type: z.literal("workflow_run"),
  runId: z.number().int(),
  runAttempt: z.number().int().min(1),
  workflowId: z.number().int(),
  workflowName: z.string(),
  workflowPath: z.string().optional(),
  htmlUrl: z.string(),
  conclusion: z.string(),
});

const CheckRunSourceSchema = z.object({
  type: z.literal("check_run"),
  checkRunId: z.number().int(),
  name: z.string(),
  appName: z.string(),
  htmlUrl: z.string().optional(),
  detailsUrl: z.string().nullable().optional(),
  conclusion: z.string(),
  output: z.object({ title: z.string().nullable(), summary: z.string().nullable(), text: z.string().nullable() }),
});

export const TriageJobSchema = z.object({
  kind: z.literal("triage"),
  key: z.string(),
  installationId: z.number().int(),
  deliveryId: z.string(),
  repo: RepoRefSchema,
  headSha: z.string().regex(/^[0-9a-f]{40}$/),
  headBranch: z.string().nullable(),
  // PR numbers from the payload; empty for forks, where the pipeline looks them up by sha.
  pullNumbers: z.array(z.number().int()),
  // The head commit lives in another repository: triage and comment only, never push there.
  fromFork: z.boolean(),
  source: z.discriminatedUnion("type", [WorkflowRunSourceSchema, CheckRunSourceSchema]),
});
export type TriageJob = z.infer<typeof TriageJobSchema>;
export type TriageSource = TriageJob["source"];

// Where a fix job comes from decides its base, its branch and where the bot reports.
const FixOriginSchema = z.discriminatedUnion("type", [
  // A triage found the failure fixable and the repository allows draft fixes.
  z.object({
    type: z.literal("triage"),
    triageKey: z.string(),
    headSha: z.string().regex(/^[0-9a-f]{40}$/),
    headBranch: z.string(),
    prNumber: z.number().int().nullable(),
    ciName: z.string(),
    summary: z.string(),
    rootCause: z.string(),
    suggestedFix: z.string(),
    evidence: z.array(z.string()),
    locations: z.array(z.object({ path: z.string(), line: z.number().int().nullable(), message: z.string() })),
  }),
  // An issue labelled for the bot.
  // The label that was added; the job checks it against the configured label (the handler has no config).
  z.object({ type: z.literal("issue"), issueNumber: z.number().int(), label: z.string().optional() }),
  // A `/codex …` comment on an issue or a PR.
  z.object({
    type: z.literal("command"),
    issueNumber: z.number().int(),
    isPullRequest: z.boolean(),
    instruction: z.string(),
    commentId: z.number().int(),
    /** `/codex race …`: both agents attempt it (fix/race.ts). */
    race: z.boolean().optional(),
  }),
  // A maintenance task from `.github/codex.yml`, on its schedule or by its box on the dashboard issue: each
  // task keeps one living draft PR on codex/maintenance/<task>.
  z.object({
    type: z.literal("maintenance"),
    task: z.string().min(1),
    /** The schedule period this run is for (see maintenanceRunKey), or `manual-…` for a dashboard tick. */
    period: z.string().min(1),
    trigger: z.enum(["schedule", "dashboard"]),
    /** The `flaky` preset: the test to make deterministic, found in triage history. */
    test: z.string().optional(),
  }),
  // A task sent through the MCP server (src/mcp/): no issue or comment; the token's repository scope stood in for
  // the collaborator check, and requestedBy names the token (`mcp:<name>`). Only the MCP server makes this origin.
  z.object({
    type: z.literal("task"),
    taskId: z.string().regex(/^[a-z0-9]{8,32}$/),
    instruction: z.string().min(1),
    /** The branch to start from and open the PR against; null = the default branch. */
    base: z.string().min(1).nullable(),
    /** The agent the caller asked for; absent = the repository's own choice (agent.backend / routing). */
    agent: AgentBackendSchema.optional(),
  }),
  // One item of a plan issue's task list (pipeline/plan/): its own branch codex/plan/<issue>-<n> and draft PR,
  // reported in the plan's checklist comment rather than on the issue.
  z.object({
    type: z.literal("plan"),
    issueNumber: z.number().int(),
    item: z.number().int().min(1),
    /** The plan's start this job belongs to (plans.run): its end is reported to that run's coordinator. */
    run: z.number().int().min(1),
    /** The item's text from the issue: untrusted, fenced in the prompt. */
    text: z.string().min(1),
    after: z.array(z.number().int().min(1)),
    /** The item whose PR branch this one starts from and targets (a stacked PR); null: the default branch. */
    stackOn: z.number().int().min(1).nullable(),
  }),
  // Review feedback on one of the bot's own PRs.
  z.object({
    type: z.literal("review"),
    prNumber: z.number().int(),
    branch: z.string(),
    round: z.number().int().min(1),
    reviewId: z.number().int(),
    /** The review's own text; its line comments are read when the job runs. */
    feedback: z.string(),
    /**
     * Set only by the bot's own second opinion (second-opinion.ts), never from a webhook: the review is the App's,
     * which gates.ts allows for this origin alone, and the round is done by the agent that wrote the PR.
     */
    secondOpinion: z.object({ author: AgentBackendSchema, reviewer: AgentBackendSchema }).optional(),
  }),
]);

export const FixJobSchema = z.object({
  kind: z.literal("fix"),
  key: z.string(),
  installationId: z.number().int(),
  deliveryId: z.string(),
  repo: RepoRefSchema,
  /** The person who asked (label, comment, review); null for a fix that follows a triage. */
  requestedBy: z.string().nullable(),
  origin: FixOriginSchema,
  config: ConfigSnapshot,
});
export type FixJob = z.infer<typeof FixJobSchema>;
export type FixOrigin = FixJob["origin"];

// `/codex explain …` and `/codex review`: read-only answers on an issue or a PR. The command job has
// already checked the requester's permission and acknowledged the comment when it enqueues these.
// An MCP `explain` (src/mcp/) has no issue and no comment (both null): its answer is stored in the job's result,
// not posted anywhere.
export const AskJobSchema = z.object({
  kind: z.enum(["explain", "review"]),
  key: z.string(),
  installationId: z.number().int(),
  deliveryId: z.string(),
  repo: RepoRefSchema,
  requestedBy: z.string(),
  issueNumber: z.number().int().nullable(),
  isPullRequest: z.boolean(),
  commentId: z.number().int().nullable(),
  commentKind: z.enum(["issue", "review"]).default("issue"),
  /** The text after the command word (the question for explain; optional focus for review). */
  question: z.string(),
  config: ConfigSnapshot,
});
export type AskJob = z.infer<typeof AskJobSchema>;

// fix.second_opinion: after one agent drafted or updated a fix PR, the other reviews its head. No comment to
// react to and no person asked: the App itself is the requester. One per PR head (secondOpinionKey).
export const SecondOpinionJobSchema = z.object({
  kind: z.literal("second-opinion"),
  key: z.string(),
  installationId: z.number().int(),
  deliveryId: z.string(),
  repo: RepoRefSchema,
  prNumber: z.number().int(),
  branch: z.string().startsWith("codex/"),
  /** The head the author pushed: a PR that moved on since is reviewed by the next job, not this one. */
  headSha: z.string().regex(/^[0-9a-f]{40}$/),
  /** The agent that wrote this head: a round the review asks for is its to do. */
  author: AgentBackendSchema,
  reviewer: AgentBackendSchema,
  config: ConfigSnapshot,
});
export type SecondOpinionJob = z.infer<typeof SecondOpinionJobSchema>;

// A comment that may be a `/codex` command. The handler has no config (the prefix is configurable), so
// the job parses it, checks the commenter's permission, acknowledges it and dispatches the work.
export const CommandJobSchema = z.object({
  kind: z.literal("command"),
  key: z.string(),
  installationId: z.number().int(),
  deliveryId: z.string(),
  repo: RepoRefSchema,
  sender: z.object({ login: z.string(), type: z.string() }),
  issueNumber: z.number().int(),
  isPullRequest: z.boolean(),
  commentId: z.number().int(),
  /** Where the comment was made: review comments get their reactions through another endpoint. */
  commentKind: z.enum(["issue", "review"]),
  body: z.string(),
  /** The webhook handler already reacted 👀 (a `/codex` comment with the default prefix): the job does not again. */
  acknowledged: z.boolean().default(false),
});
export type CommandJob = z.infer<typeof CommandJobSchema>;

// Once a minute (pg-boss's cron, one send per minute across all processes): which maintenance tasks of which
// repositories are due. It has no record (a scheduled send carries no key of its own); each run it enqueues does.
export const MaintenanceTickJobSchema = z.object({ kind: z.literal("maintenance-tick") });
export type MaintenanceTickJob = z.infer<typeof MaintenanceTickJobSchema>;

// A repository's dashboard issue: re-rendered when the tick sees its state change, or after a person edited it
// (maybe ticking "run now" boxes). The edit is checked (who, which boxes) when the job runs, with the config.
export const DashboardJobSchema = z.object({
  kind: z.literal("dashboard"),
  key: z.string(),
  installationId: z.number().int(),
  /** The edit's delivery; "tick" when the tick asked for a refresh. Names the run-now period `manual-<id>`. */
  deliveryId: z.string().min(1),
  repo: RepoRefSchema,
  edit: z
    .object({
      sender: z.string().min(1),
      issueNumber: z.number().int(),
      previousBody: z.string(),
      body: z.string(),
    })
    .optional(),
});
export type DashboardJob = z.infer<typeof DashboardJobSchema>;

// fix.race_judge: checks: a workflow run of a race candidate's head completed; the judge looks whether both
// candidates' CI is done and, if so, keeps the winner's PR and closes the other.
export const RaceJudgeJobSchema = z.object({
  kind: z.literal("race-judge"),
  key: z.string(),
  installationId: z.number().int(),
  deliveryId: z.string(),
  repo: RepoRefSchema,
  /** The race's fix job key (race_candidates.race_key). */
  raceKey: z.string().min(1),
});
export type RaceJudgeJob = z.infer<typeof RaceJudgeJobSchema>;

// `/codex plan <goal>` on an issue: the planner reads the repository (read-only) and writes the plan into the issue
// body (pipeline/plan/write-plan.ts); nothing runs until a writer approves it. Like an ask, the command job has
// checked the permission and acknowledged the comment.
export const PlanWriteJobSchema = AskJobSchema.omit({ kind: true, question: true }).extend({
  kind: z.literal("plan-write"),
  // A plan is written into an issue by a command: both are always there (an MCP explain has neither).
  issueNumber: z.number().int(),
  commentId: z.number().int(),
  /** The text after `plan`: what the plan is for. */
  goal: z.string().trim().min(1),
});
export type PlanWriteJob = z.infer<typeof PlanWriteJobSchema>;
// A plan issue's coordinator (pipeline/plan/): started by the label, `/codex plan`/`go` or the approval box, and run
// again on every event of the plan (an edit, an item job that started or ended, a stop); each run reconciles the
// plan's items with their jobs, queues what may start and re-renders the checklist comment.
const PlanEventSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("start"),
    source: z.enum(["label", "command"]),
    requestedBy: z.string().min(1),
    /** The label that was added; the job checks it against plan.label (the handler has no config). */
    label: z.string().optional(),
  }),
  z.object({ type: z.literal("edit"), sender: z.string().min(1), previousBody: z.string(), body: z.string() }),
  z.object({
    type: z.literal("item"),
    n: z.number().int().min(1),
    run: z.number().int().min(1),
    phase: z.enum(["started", "ended"]),
    /** How the item's fix job ended, as its handler answered (its record may not say so yet). */
    result: z
      .object({
        outcome: z.string(),
        error: z.string().nullable(),
        links: z.record(z.string(), z.string()),
        tokens: z.object({ input: z.number(), output: z.number(), costUsd: z.number().nullable().optional() }).nullable(),
        /** What the item's fix would have said on an issue (steps/final-words.ts): the reason of a failure. */
        said: z.string().max(2000).optional(),
      })
      .optional(),
  }),
  z.object({ type: z.literal("stop"), requestedBy: z.string().min(1) }),
]);

export const PlanJobSchema = z.object({
  kind: z.literal("plan"),
  key: z.string(),
  installationId: z.number().int(),
  deliveryId: z.string(),
  repo: RepoRefSchema,
  issueNumber: z.number().int(),
  event: PlanEventSchema,
});
export type PlanJob = z.infer<typeof PlanJobSchema>;
export type PlanEvent = PlanJob["event"];

export { targetKey } from "./keys.js";

export const JOB_KINDS = {
  triage: TriageJobSchema,
  fix: FixJobSchema,
  explain: AskJobSchema,
  review: AskJobSchema,
  "second-opinion": SecondOpinionJobSchema,
  command: CommandJobSchema,
  "maintenance-tick": MaintenanceTickJobSchema,
  dashboard: DashboardJobSchema,
  "race-judge": RaceJudgeJobSchema,
  "plan-write": PlanWriteJobSchema,
  plan: PlanJobSchema,
} as const;
export type JobKind = keyof typeof JOB_KINDS;

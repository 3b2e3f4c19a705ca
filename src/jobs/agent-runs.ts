// Every agent run, recorded by the agent step: which agent did which kind of work where, and whether it ended
// with an answer. `agent.routing: auto` reads it back per repository and kind (pipeline/steps/agent-choice.ts).
import { z } from "zod";
import type { Database } from "./db.js";
import { SCHEMA } from "./migrations.js";

const AGENTS = ["codex", "claude"] as const;

const RunSchema = z.object({
  jobKey: z.string().min(1),
  repo: z
    .string()
    .min(3)
    .transform((r) => r.toLowerCase()),
  kind: z.string().min(1).max(40),
  agent: z.enum(AGENTS),
  model: z.string().max(200).nullable(),
  answered: z.boolean(),
  tokens: z.number().int().min(0),
  costUsd: z.number().min(0).nullable(),
});

export async function recordAgentRun(db: Database, run: z.input<typeof RunSchema>): Promise<void> {
  const r = RunSchema.parse(run);
  await db.query(
    `INSERT INTO ${SCHEMA}.agent_runs (job_key, repo, kind, agent, model, answered, tokens, cost_usd)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [r.jobKey, r.repo, r.kind, r.agent, r.model, r.answered, r.tokens, r.costUsd],
  );
}

export type AgentHistory = Record<(typeof AGENTS)[number], { runs: number; successes: number }>;

/** Per agent, its runs of `kind` on `repo` since `since` and how many ended with an answer (a lost race does not). */
export async function agentHistory(db: Database, opts: { repo: string; kind: string; since: Date }): Promise<AgentHistory> {
  const { rows } = await db.query<{ agent: string; runs: number; successes: number }>(
    `SELECT agent, count(*)::int AS runs, count(*) FILTER (WHERE answered AND race IS DISTINCT FROM 'lost')::int AS successes FROM ${SCHEMA}.agent_runs
     WHERE repo = lower($1) AND kind = $2 AND created_at >= $3::timestamptz GROUP BY agent`,
    [opts.repo, opts.kind, opts.since.toISOString()],
  );
  const history: AgentHistory = { codex: { runs: 0, successes: 0 }, claude: { runs: 0, successes: 0 } };
  for (const row of rows)
    if (row.agent === "codex" || row.agent === "claude") history[row.agent] = { runs: Number(row.runs), successes: Number(row.successes) };
  return history;
}

/** A race's verdict on the job's two runs: the winner's row 'won', the other's 'lost', both with the margin. */
export async function recordRaceResult(db: Database, race: { jobKey: string; winner: string; margin: string }): Promise<void> {
  await db.query(
    `UPDATE ${SCHEMA}.agent_runs SET race = CASE WHEN agent = $2 THEN 'won' ELSE 'lost' END, race_margin = $3 WHERE job_key = $1`,
    [race.jobKey, race.winner, race.margin.slice(0, 300)],
  );
}

// The candidates of races judged by the repository's CI (fix.race_judge: checks): written when both are pushed,
// found again by a head commit when a workflow run of it completes, and marked won or lost by the judge.
import { z } from "zod";
import type { Database } from "./db.js";
import { SCHEMA } from "./migrations.js";

const CandidateSchema = z.object({
  raceKey: z.string().min(1),
  repo: z
    .string()
    .min(3)
    .transform((r) => r.toLowerCase()),
  agent: z.enum(["codex", "claude"]),
  branch: z.string().startsWith("codex/"),
  prNumber: z.number().int().positive(),
  headSha: z.string().regex(/^[0-9a-f]{40}$/),
  lines: z.number().int().min(0),
  costUsd: z.number().min(0).nullable(),
});
export type RaceCandidate = z.output<typeof CandidateSchema> & { result: "won" | "lost" | null };

export async function recordRaceCandidates(db: Database, candidates: z.input<typeof CandidateSchema>[]): Promise<void> {
  for (const c of candidates.map((x) => CandidateSchema.parse(x)))
    await db.query(
      `INSERT INTO ${SCHEMA}.race_candidates (race_key, repo, agent, branch, pr_number, head_sha, lines, cost_usd)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (race_key, agent) DO UPDATE SET
       branch = EXCLUDED.branch, pr_number = EXCLUDED.pr_number, head_sha = EXCLUDED.head_sha, lines = EXCLUDED.lines,
       cost_usd = EXCLUDED.cost_usd`,
      [c.raceKey, c.repo, c.agent, c.branch, c.prNumber, c.headSha, c.lines, c.costUsd],
    );
}

/** The undecided race a head commit is a candidate of, if any. */
export async function pendingRaceOf(db: Database, repo: string, headSha: string): Promise<string | null> {
  const { rows } = await db.query<{ race_key: string }>(
    `SELECT race_key FROM ${SCHEMA}.race_candidates WHERE repo = lower($1) AND head_sha = $2 AND result IS NULL LIMIT 1`,
    [repo, headSha],
  );
  return rows[0]?.race_key ?? null;
}

export async function raceCandidates(db: Database, raceKey: string): Promise<RaceCandidate[]> {
  const { rows } = await db.query(`SELECT * FROM ${SCHEMA}.race_candidates WHERE race_key = $1 ORDER BY agent`, [raceKey]);
  return rows.map((r: Record<string, unknown>) => ({
    raceKey: String(r.race_key),
    repo: String(r.repo),
    agent: r.agent as "codex" | "claude",
    branch: String(r.branch),
    prNumber: Number(r.pr_number),
    headSha: String(r.head_sha),
    lines: Number(r.lines),
    costUsd: r.cost_usd === null ? null : Number(r.cost_usd),
    result: (r.result ?? null) as RaceCandidate["result"],
  }));
}

export async function decideRace(db: Database, raceKey: string, winner: string): Promise<void> {
  await db.query(`UPDATE ${SCHEMA}.race_candidates SET result = CASE WHEN agent = $2 THEN 'won' ELSE 'lost' END WHERE race_key = $1`, [
    raceKey,
    winner,
  ]);
}

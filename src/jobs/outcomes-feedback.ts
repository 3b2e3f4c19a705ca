// 👍/👎 on the bot's triage comments (comment_feedback, migration 10). GitHub sends no webhook for reactions, so
// they are read back: each triage comment is noted when posted, and after any job on the same repository ends,
// the few comments read longest ago are read again (pipeline/steps/feedback-sweep.ts). Counts only, never who.
import { z } from "zod";
import type { Database } from "./db.js";
import { SCHEMA } from "./migrations.js";

const Repo = z
  .string()
  .min(3)
  .max(200)
  .transform((r) => r.toLowerCase());

/**
 * A triage comment the bot posted (or edited): counted from now on. A new one has no reactions yet, so it is
 * first read an hour later; an edited one keeps the counts and read time it had.
 */
export async function noteFeedbackComment(db: Database, c: { repo: string; commentId: number; jobKey: string }): Promise<void> {
  await db.query(
    `INSERT INTO ${SCHEMA}.comment_feedback (repo, comment_id, job_key, updated_at) VALUES ($1, $2, $3, now())
     ON CONFLICT (repo, comment_id) DO UPDATE SET job_key = EXCLUDED.job_key`,
    [Repo.parse(c.repo), c.commentId, c.jobKey],
  );
}

/**
 * Up to `limit` comments of `repo` whose counts were read more than `staleMs` ago, oldest read first, among
 * comments of jobs created in the last `maxAgeDays` (feedback comes in the first days; older ones are left).
 */
export async function staleFeedbackComments(
  db: Database,
  repo: string,
  opts: { limit: number; staleMs: number; maxAgeDays: number },
): Promise<number[]> {
  const { rows } = await db.query<{ comment_id: string | number }>(
    `SELECT f.comment_id FROM ${SCHEMA}.comment_feedback f
     JOIN ${SCHEMA}.job_records j ON j.key = f.job_key
     WHERE f.repo = $1 AND f.updated_at < now() - make_interval(secs => $2::double precision)
       AND j.created_at > now() - make_interval(days => $3::int)
     ORDER BY f.updated_at ASC LIMIT $4`,
    [Repo.parse(repo), opts.staleMs / 1000, opts.maxAgeDays, opts.limit],
  );
  return rows.map((r) => Number(r.comment_id));
}

/** The counts as just read; `null`: the comment was deleted, so its row goes. */
export async function saveFeedback(
  db: Database,
  c: { repo: string; commentId: number; thumbs: { up: number; down: number } | null },
): Promise<void> {
  const repo = Repo.parse(c.repo);
  if (c.thumbs === null) {
    await db.query(`DELETE FROM ${SCHEMA}.comment_feedback WHERE repo = $1 AND comment_id = $2`, [repo, c.commentId]);
    return;
  }
  await db.query(
    `UPDATE ${SCHEMA}.comment_feedback SET thumbs_up = $3, thumbs_down = $4, updated_at = now() WHERE repo = $1 AND comment_id = $2`,
    [repo, c.commentId, c.thumbs.up, c.thumbs.down],
  );
}

/** A read that failed: counted as a read, so one broken comment does not take every sweep's turn. */
export async function touchFeedback(db: Database, repo: string, commentId: number): Promise<void> {
  await db.query(`UPDATE ${SCHEMA}.comment_feedback SET updated_at = now() WHERE repo = $1 AND comment_id = $2`, [
    Repo.parse(repo),
    commentId,
  ]);
}

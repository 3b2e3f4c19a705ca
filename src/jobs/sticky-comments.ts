import type { Database } from "./db.js";
import { SCHEMA } from "./migrations.js";

// Where each sticky comment is: (repository, issue or PR, marker) → comment id. With it, an edit of a progress
// comment or a re-run's triage is one API request, however long the thread (3,000 comments cost 31 requests
// an edit when every edit searched for its marker).

export async function findStickyCommentId(db: Database, repo: string, issueNumber: number, marker: string): Promise<number | undefined> {
  const { rows } = await db.query<{ comment_id: string | number }>(
    `SELECT comment_id FROM ${SCHEMA}.sticky_comments WHERE repo = $1 AND issue_number = $2 AND marker = $3`,
    [repo.toLowerCase(), issueNumber, marker],
  );
  return rows[0] ? Number(rows[0].comment_id) : undefined;
}

export async function saveStickyCommentId(
  db: Database,
  repo: string,
  issueNumber: number,
  marker: string,
  commentId: number,
): Promise<void> {
  await db.query(
    `INSERT INTO ${SCHEMA}.sticky_comments (repo, issue_number, marker, comment_id) VALUES ($1, $2, $3, $4)
     ON CONFLICT (repo, issue_number, marker) DO UPDATE SET comment_id = EXCLUDED.comment_id`,
    [repo.toLowerCase(), issueNumber, marker, commentId],
  );
}

// Today's (UTC) token spend from the job records, for the key proxy's day budgets: per repository and per
// installation, over every kind of job. Jobs still running have no tokens recorded yet: the proxy counts those
// from its live grants.
import { z } from "zod";
import type { Database } from "./db.js";
import { utcDayStart } from "./maintenance-usage.js";
import { SCHEMA } from "./migrations.js";

const Params = z.object({ repo: z.string().min(1), installationId: z.number().int(), now: z.date() });

export async function tokensSpentToday(
  db: Database,
  opts: { repo: string; installationId: number; now?: Date },
): Promise<{ repo: number; installation: number }> {
  const o = Params.parse({ ...opts, now: opts.now ?? new Date() });
  const { rows } = await db.query(
    `SELECT COALESCE(sum(COALESCE(input_tokens, 0) + COALESCE(output_tokens, 0)) FILTER (WHERE lower(repo) = lower($1)), 0) AS repo,
            COALESCE(sum(COALESCE(input_tokens, 0) + COALESCE(output_tokens, 0)), 0) AS installation
     FROM ${SCHEMA}.job_records
     WHERE created_at >= $2::timestamptz AND data->>'installationId' = $3`,
    [o.repo, utcDayStart(o.now).toISOString(), String(o.installationId)],
  );
  return { repo: Number(rows[0].repo), installation: Number(rows[0].installation) };
}

import { parseArgs } from "node:util";
import { readEnv } from "../config/env.js";
import { openDatabase } from "../jobs/db.js";
import { recentJobOutcomes, type JobOutcomeRow } from "../jobs/outcomes-list.js";

type Io = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };

const COLUMNS = ["CREATED", "KIND", "REPO", "STATUS", "AGENT", "TIME", "TOKENS", "COST", "OUTCOME", "PR"] as const;

function cells(j: JobOutcomeRow): string[] {
  const pr = j.pr ? `#${j.pr.number} ${j.pr.state}${j.pr.reverted ? ", reverted" : ""}` : "";
  return [
    j.createdAt.slice(0, 16).replace("T", " "),
    j.kind,
    j.repo,
    j.status,
    j.agent ?? "",
    j.durationMs === null ? "" : `${Math.round(j.durationMs / 1000)}s`,
    j.tokens === null ? "" : String(j.tokens),
    j.costUsd === null ? "" : `$${j.costUsd.toFixed(2)}`,
    // An outcome is the bot's own short text; cut so one job stays one line.
    (j.outcome ?? "").replace(/\s+/g, " ").slice(0, 60),
    pr,
  ];
}

/**
 * `codex-dispatch jobs [--repo R] [--json] [--limit N]`: the most recent jobs and how they ended, read from the
 * app's database (DATABASE_URL, else PGlite under DATA_DIR: with PGlite, run it while the app is stopped, as
 * one process at a time may open it). --json prints the rows as a JSON array.
 */
export async function jobsCommand(args: string[], io: Io, processEnv: NodeJS.ProcessEnv = process.env): Promise<number> {
  let values: { repo?: string; json?: boolean; limit?: string };
  try {
    ({ values } = parseArgs({
      args,
      options: { repo: { type: "string" }, json: { type: "boolean" }, limit: { type: "string", default: "20" } },
    }));
  } catch (err) {
    io.stderr.write(`${(err as Error).message}\nUsage: codex-dispatch jobs [--repo owner/name] [--json] [--limit N]\n`);
    return 2;
  }
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    io.stderr.write("--limit must be an integer from 1 to 1000\n");
    return 2;
  }
  const env = readEnv(processEnv);
  const db = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.dataDir });
  try {
    const rows = await recentJobOutcomes(db, { repo: values.repo, limit });
    if (values.json) {
      io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      return 0;
    }
    if (rows.length === 0) {
      io.stdout.write(values.repo ? `No jobs for ${values.repo}.\n` : "No jobs yet.\n");
      return 0;
    }
    const table = [[...COLUMNS], ...rows.map(cells)];
    const widths = COLUMNS.map((_, i) => Math.max(...table.map((r) => r[i].length)));
    for (const r of table)
      io.stdout.write(
        `${r
          .map((c, i) => c.padEnd(widths[i]))
          .join("  ")
          .trimEnd()}\n`,
      );
    return 0;
  } finally {
    await db.close();
  }
}

import { mkdir } from "node:fs/promises";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";

/**
 * The one database the app keeps: pg-boss's tables, the delivery ledger and the job records.
 * Embedded PGlite by default (nothing to install, one process), PostgreSQL when DATABASE_URL is set
 * (many worker processes on many machines). Both speak the same SQL, so everything above this file
 * is written once.
 */
export interface Database {
  kind: "pglite" | "postgres";
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  query<T = any>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
  /** Runs one or more statements without parameters. */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  databaseUrl?: string;
  dataDir: string;
}

export async function openDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl);
  if (!opts.dataDir) throw new Error("openDatabase: dataDir is required when no databaseUrl is given");
  return openPglite(path.join(opts.dataDir, "pglite"));
}

async function openPostgres(databaseUrl: string): Promise<Database> {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    throw new Error("DATABASE_URL is not a valid URL (expected postgres://user:pass@host:port/db)");
  }
  if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") {
    throw new Error(`DATABASE_URL must start with postgres:// or postgresql://, got ${url.protocol}//`);
  }
  const pool = new pg.Pool({ connectionString: databaseUrl, application_name: "codex-dispatch", max: 10 });
  // An idle client that loses its connection emits on the pool; without a listener that kills the process.
  pool.on("error", () => undefined);
  // Fail at start, with the server's own message, rather than on the first webhook.
  const client = await pool.connect();
  client.release();
  return {
    kind: "postgres",
    async query(sql, params) {
      const result = await pool.query(sql, params as unknown[] | undefined);
      return { rows: result.rows };
    },
    async exec(sql) {
      await pool.query(sql);
    },
    async close() {
      await pool.end();
    },
  };
}

async function openPglite(dir: string): Promise<Database> {
  await mkdir(dir, { recursive: true });
  const pglite = await PGlite.create({ dataDir: dir });
  // PGlite is one connection. Our own serial lane keeps a failed multi-statement batch and the
  // ROLLBACK that cleans up after it together, so no other query ever runs inside an aborted
  // transaction left behind by pg-boss's BEGIN … COMMIT scripts.
  let lane: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = lane.then(work, work);
    lane = next.catch(() => undefined);
    return next;
  };
  let closed = false;
  const ensureOpen = () => {
    if (closed) throw new Error("database is closed");
  };
  const execWithRollback = async (sql: string) => {
    try {
      return await pglite.exec(sql);
    } catch (err) {
      await pglite.exec("ROLLBACK").catch(() => undefined);
      throw err;
    }
  };
  return {
    kind: "pglite",
    query(sql, params) {
      return serial(async () => {
        ensureOpen();
        // Without parameters the text may hold several statements (pg-boss sends scripts): run it
        // through exec and answer with the rows of the last statement, as a single query would.
        if (!params || params.length === 0) {
          const results = await execWithRollback(sql);
          const last = results[results.length - 1];
          return { rows: (last?.rows ?? []) as never[] };
        }
        const result = await pglite.query(sql, params);
        return { rows: result.rows as never[] };
      });
    },
    exec(sql) {
      return serial(async () => {
        ensureOpen();
        await execWithRollback(sql);
      });
    },
    close() {
      return serial(async () => {
        if (closed) return;
        closed = true;
        await pglite.close();
      });
    },
  };
}

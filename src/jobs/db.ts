import { mkdir, open, readFile, unlink } from "node:fs/promises";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import type { Database } from "./database.js";
import { runMigrations } from "./migrations.js";
import { pidAlive } from "../process/pid-alive.js";

/**
 * The one database the app keeps: pg-boss's tables, the delivery ledger and the job records.
 * Embedded PGlite by default (nothing to install, one process), PostgreSQL when DATABASE_URL is set
 * (many worker processes on many machines). Both speak the same SQL, so everything above this file
 * is written once.
 */
export type { Database } from "./database.js";

export interface OpenDatabaseOptions {
  databaseUrl?: string;
  dataDir: string;
}

/** Opens (creating if missing) the database and brings our own tables up to date. */
export async function openDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  let db: Database;
  if (opts.databaseUrl) db = await openPostgres(opts.databaseUrl);
  else if (!opts.dataDir) throw new Error("openDatabase: dataDir is required when no databaseUrl is given");
  else db = await openPglite(path.join(opts.dataDir, "pglite"));
  try {
    // Every caller needs the ledger and job records; migrating here means none can forget to.
    await runMigrations(db);
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
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

/**
 * PGlite has no server to arbitrate between processes: two processes on one directory would corrupt
 * it. A lock file with the owner's pid turns that into a clear error; a lock left by a process that no
 * longer exists (a killed worker) is taken over, and PGlite's own recovery replays its log.
 */
async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  const lockPath = path.join(dir, "codex-dispatch.lock");
  for (let tries = 0; tries < 2; tries++) {
    try {
      const handle = await open(lockPath, "wx");
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => unlink(lockPath).catch(() => undefined);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const owner = Number((await readFile(lockPath, "utf8").catch(() => "")).trim());
      if (owner && pidAlive(owner)) {
        throw new Error(
          `the embedded database in ${dir} is in use by process ${owner}${owner === process.pid ? " (this one)" : ""}; ` +
            "run one process per DATA_DIR, or set DATABASE_URL to share a queue between processes",
          { cause: err },
        );
      }
      await unlink(lockPath).catch(() => undefined);
    }
  }
  throw new Error(`could not lock the embedded database in ${dir}`);
}

async function openPglite(dir: string): Promise<Database> {
  await mkdir(dir, { recursive: true });
  const unlock = await lockDataDir(dir);
  let pglite: PGlite;
  try {
    pglite = await PGlite.create({ dataDir: dir });
  } catch (err) {
    await unlock();
    throw err;
  }
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
        try {
          await pglite.close();
        } finally {
          await unlock();
        }
      });
    },
  };
}

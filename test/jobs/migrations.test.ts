import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/jobs/db.js";
import { MIGRATIONS, runMigrations, SCHEMA } from "../../src/jobs/migrations.js";
import { tempDataDir } from "./setup.js";

// Upgrades: a database of any earlier release is brought to this one once; one of a newer release is refused.
let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function fresh(): Promise<Database> {
  const tmp = await tempDataDir();
  const db = await openDatabase({ dataDir: tmp.dir });
  cleanup.push(
    () => tmp.remove(),
    () => db.close(),
  );
  return db;
}

const versions = async (db: Database) =>
  (await db.query<{ version: number }>(`SELECT version FROM ${SCHEMA}.schema_migrations ORDER BY version`)).rows.map((r) => r.version);

describe("migrations", () => {
  it("a new database is at the newest version, and running them again changes nothing", async () => {
    const db = await fresh();
    expect(await versions(db)).toEqual(MIGRATIONS.map((m) => m.version));
    await runMigrations(db);
    expect(await versions(db)).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it("a database made before versions existed keeps its rows and gains the newer tables", async () => {
    const db = await fresh();
    // Roll back to what the first release left: its tables, no version table, no sticky comments.
    await db.exec(`DROP TABLE ${SCHEMA}.schema_migrations; DROP TABLE ${SCHEMA}.sticky_comments`);
    await db.query(`INSERT INTO ${SCHEMA}.job_records (id, key, kind, repo) VALUES ('j1', 'k1', 'triage', 'o/r')`);
    await runMigrations(db);
    expect(await versions(db)).toEqual(MIGRATIONS.map((m) => m.version));
    expect((await db.query(`SELECT key FROM ${SCHEMA}.job_records`)).rows).toEqual([{ key: "k1" }]);
    expect((await db.query(`SELECT count(*)::int AS n FROM ${SCHEMA}.sticky_comments`)).rows).toEqual([{ n: 0 }]);
  });

  it("a database of a newer release is refused with a clear message", async () => {
    const db = await fresh();
    await db.query(`INSERT INTO ${SCHEMA}.schema_migrations (version, name) VALUES (999, 'from the future')`);
    await expect(runMigrations(db)).rejects.toThrow(/schema is at version 999, newer than this release knows/);
  });
});

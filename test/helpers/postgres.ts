import { execFile } from "node:child_process";
import { chown, mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";

const run = promisify(execFile);

export interface TestPostgres {
  /** A connection URL to a fresh, empty database of its own. */
  url: string;
  stop(): Promise<void>;
}

export const NO_POSTGRES_MESSAGE =
  "PostgreSQL binaries not found under /usr/lib/postgresql/*/bin: install Debian's postgresql package, or set TEST_DATABASE_URL";

/**
 * A throwaway PostgreSQL for one test file: with TEST_DATABASE_URL set, a fresh database on that
 * server; otherwise a server of its own from Debian's binaries, in a temp dir, on a free loopback port,
 * its unix socket in the temp dir. As root the server runs as the `postgres` system user (postgres
 * refuses to run as root). Without binaries it throws: a test that needs Postgres fails, it is not skipped.
 */
export async function startTestPostgres(): Promise<TestPostgres> {
  const external = process.env.TEST_DATABASE_URL;
  if (external) return freshDatabase(external, async () => undefined);

  const bin = await findPostgresBin();
  const dir = await mkdtemp(path.join(tmpdir(), "codex-dispatch-pg-"));
  const asRoot = process.getuid?.() === 0;
  const sudo = async (cmd: string, args: string[]) => (asRoot ? run("runuser", ["-u", "postgres", "--", cmd, ...args]) : run(cmd, args));
  if (asRoot) {
    const { uid, gid } = await postgresUser();
    await chown(dir, uid, gid);
  }
  const data = path.join(dir, "data");
  const port = await freePort();
  try {
    await sudo(path.join(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
    // fsync off and small settings: a test server is thrown away, speed matters more than durability.
    const options = `-p ${port} -k ${dir} -h 127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100`;
    await sudo(path.join(bin, "pg_ctl"), ["-D", data, "-o", options, "-l", path.join(dir, "server.log"), "-w", "-t", "60", "start"]);
  } catch (err) {
    const log = await readFile(path.join(dir, "server.log"), "utf8").catch(() => "");
    await sudo(path.join(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"]).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
    throw new Error(`could not start a test PostgreSQL: ${(err as Error).message}\n${log.slice(-2000)}`, { cause: err });
  }
  const stopServer = async () => {
    await sudo(path.join(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"]).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    return await freshDatabase(`postgres://postgres@127.0.0.1:${port}/postgres`, stopServer);
  } catch (err) {
    await stopServer();
    throw err;
  }
}

/** The bin directory of the newest PostgreSQL under `root` (Debian's layout: <root>/<major>/bin). */
export async function findPostgresBin(root = "/usr/lib/postgresql"): Promise<string> {
  const versions = await readdir(root).catch(() => [] as string[]);
  const sorted = versions.filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
  for (const v of sorted) {
    const bin = path.join(root, v, "bin");
    const files = await readdir(bin).catch(() => [] as string[]);
    if (files.includes("initdb") && files.includes("pg_ctl")) return bin;
  }
  throw new Error(NO_POSTGRES_MESSAGE);
}

async function postgresUser(): Promise<{ uid: number; gid: number }> {
  const { stdout } = await run("id", ["postgres"]).catch(() => {
    throw new Error("running as root, but there is no `postgres` system user to run the test server as");
  });
  const uid = /uid=(\d+)/.exec(stdout)?.[1];
  const gid = /gid=(\d+)/.exec(stdout)?.[1];
  if (!uid || !gid) throw new Error(`cannot read the postgres user's ids from: ${stdout}`);
  return { uid: Number(uid), gid: Number(gid) };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

// A database of its own per test file, so runs never see each other's queues and records.
async function freshDatabase(serverUrl: string, stopServer: () => Promise<void>): Promise<TestPostgres> {
  const name = `codex_dispatch_test_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async stop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect().catch(() => undefined);
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      await client.end().catch(() => undefined);
      await stopServer();
    },
  };
}

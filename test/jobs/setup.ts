import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
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

export async function tempDataDir(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), "codex-dispatch-jobs-"));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
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

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

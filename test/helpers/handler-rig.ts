import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import nock from "nock";
import type { Probot } from "probot";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import { registerWebhookHandlers } from "../../src/app.js";
import { openDatabase, type Database } from "../../src/jobs/db.js";
import { createQueue, type JobQueue } from "../../src/jobs/queue.js";
import { testProbot } from "./probot.js";

export interface HandlerRig {
  db: Database;
  queue: JobQueue;
  probot: Probot;
}

/**
 * The webhook handlers in a bare Probot on a real PGlite queue, with no worker and no network (nock allows only
 * what a test mocks). Records and queued jobs are cleared before each test.
 */
export function useHandlerRig(name: string): HandlerRig {
  const rig = {} as HandlerRig;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), `${name}-`));
    rig.db = await openDatabase({ dataDir: dir });
    rig.queue = createQueue(rig.db, { schedule: false });
    await rig.queue.start();
  });
  afterAll(async () => {
    await rig.queue.stop();
    await rig.db.close();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    nock.disableNetConnect();
    await rig.db.query("DELETE FROM codex_dispatch.job_records");
    await rig.db.query("DELETE FROM pgboss.job");
    rig.probot = testProbot({ appId: 4242 });
    await rig.probot.load((app) => registerWebhookHandlers(app, { db: rig.db, queue: rig.queue, appId: 4242, appSlug: "codex-dispatch" }));
  });
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });
  return rig;
}

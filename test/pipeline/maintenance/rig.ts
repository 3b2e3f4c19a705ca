import { pino } from "pino";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { startGitHubStandIn, type GitHubStandIn } from "../../../demo/github-standin.js";
import type { GitHubClient } from "../../../src/github/client.js";
import type { Database } from "../../../src/jobs/db.js";
import type { JobQueue } from "../../../src/jobs/queue.js";
import type { RepoRef } from "../../../src/jobs/types.js";
import type { DashboardDeps } from "../../../src/pipeline/maintenance/dashboard-job.js";
import type { TickDeps } from "../../../src/pipeline/maintenance/tick.js";
import { openAll, tempDataDir } from "../../jobs/setup.js";
import { newPrivateKey, standInProbot } from "./standin-app.js";

export { newPrivateKey, standInProbot };

export const APP_SLUG = "codex-dispatch";

export interface MaintenanceRig {
  standIn: GitHubStandIn;
  db: Database;
  queue: JobQueue;
  deps: TickDeps & DashboardDeps;
  /** A repository on the stand-in (installation `installationId`) with `config` as its `.github/codex.yml`. */
  addRepo(name: string, config: string | null, installationId?: number): RepoRef;
}

/**
 * The maintenance pipelines against the GitHub stand-in, on a real PGlite queue with no worker: a test runs the
 * tick or the dashboard job itself and reads what they enqueued from the records.
 */
export function useMaintenanceRig(): MaintenanceRig {
  const rig = {} as MaintenanceRig;
  let close: () => Promise<void>;
  let removeDir: () => Promise<void>;
  beforeAll(async () => {
    rig.standIn = await startGitHubStandIn();
    const dir = await tempDataDir();
    removeDir = dir.remove;
    const all = await openAll(dir.dir);
    close = all.close;
    rig.db = all.db;
    rig.queue = all.queue;
    const probot = standInProbot(rig.standIn.baseUrl, newPrivateKey());
    rig.deps = {
      db: rig.db,
      queue: rig.queue,
      log: pino({ level: "silent" }),
      github: async (id) => (await probot.auth(id)) as GitHubClient,
      appGithub: async () => (await probot.auth()) as GitHubClient,
      appSlug: async () => APP_SLUG,
    };
    rig.addRepo = (name, config, installationId = 1) => {
      const fullName = `acme/${name}`;
      rig.standIn.addRepo({ owner: "acme", name, cloneUrl: `/nonexistent/${name}.git`, installationId });
      if (config !== null) rig.standIn.setFile(fullName, "main", ".github/codex.yml", config);
      return { owner: "acme", name, fullName, cloneUrl: `/nonexistent/${name}.git`, defaultBranch: "main", private: false };
    };
  }, 60_000);
  afterAll(async () => {
    await close?.();
    await removeDir?.();
    await rig.standIn?.close();
  });
  beforeEach(async () => {
    await rig.db.query("DELETE FROM codex_dispatch.job_records");
    await rig.db.query("DELETE FROM pgboss.job");
    rig.standIn.state.repos.length = 0;
    rig.standIn.state.issues.length = 0;
    rig.standIn.state.internal.files = {};
  });
  return rig;
}

/** A config with maintenance tasks. */
export function maintenanceConfig(tasks: string, extra = ""): string {
  return `maintenance:\n  tasks:\n${tasks}${extra}`;
}

export const DEPS_TASK = `    - name: deps\n      schedule: "0 3 * * *"\n      preset: lint\n`;

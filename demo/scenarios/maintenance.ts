import { createBareRemote, type BareRemote } from "../../src/workspace/bare-remote.js";
import { dashboardRefreshKey, dashboardTargetKey } from "../../src/jobs/keys.js";
import { submitJob } from "../../src/jobs/submit.js";
import type { DashboardJob, RepoRef } from "../../src/jobs/types.js";
import { enqueueMaintenanceRun } from "../../src/pipeline/maintenance/enqueue-run.js";
import type { Harness } from "../harness.js";
import type { ScriptStep } from "../scripted-model.js";
import { DEMO_FILES, DEMO_REPO } from "./ci-failure-fixture.js";

// A repository with a maintenance task in `.github/codex.yml`, and maintenance runs put on the queue as the
// schedule tick (or a dashboard tick) does: a fix job with the maintenance origin, keyed per period and
// serialised per task.

export const DEMO_MAINTENANCE_CONFIG = [
  "maintenance:",
  "  tasks:",
  "    - name: docs-sync",
  '      schedule: "0 3 * * 1"',
  "      prompt: Keep docs/ in line with the code in src/.",
  '      paths: ["docs/**"]',
  "",
].join("\n");

export interface MaintenanceSetup {
  remote: BareRemote;
  repo: RepoRef;
  installationId: number;
}

/** The stand-in repository, its bare remote holding the config, and the app installed on it. */
export async function setupMaintenance(
  h: Harness,
  opts: { repoName?: string; config?: string; files?: Record<string, string> } = {},
): Promise<MaintenanceSetup> {
  const remote = await createBareRemote({
    files: { ...DEMO_FILES, ".github/codex.yml": opts.config ?? DEMO_MAINTENANCE_CONFIG, ...opts.files },
  });
  const name = opts.repoName ?? DEMO_REPO.name;
  const installationId = DEMO_REPO.installationId;
  h.standIn.addRepo({ owner: DEMO_REPO.owner, name, cloneUrl: remote.url, installationId });
  const repo: RepoRef = {
    owner: DEMO_REPO.owner,
    name,
    fullName: `${DEMO_REPO.owner}/${name}`,
    cloneUrl: remote.url,
    defaultBranch: "main",
    private: false,
  };
  return { remote, repo, installationId };
}

/** Enqueues one run of `task` for `period` the way the tick does; returns its key. */
export async function submitMaintenanceRun(
  h: Harness,
  setup: MaintenanceSetup,
  task: string,
  period: string,
  opts: { test?: string; trigger?: "schedule" | "dashboard" } = {},
): Promise<string> {
  const { key } = await enqueueMaintenanceRun(h, {
    installationId: setup.installationId,
    repo: setup.repo,
    task,
    period,
    trigger: opts.trigger ?? "schedule",
    deliveryId: `maintenance-${task}-${period}`,
    requestedBy: null,
    ...(opts.test ? { test: opts.test } : {}),
  });
  return key;
}

/** Asks for the repository's dashboard issue the way the tick does; returns the job's key. */
export async function submitDashboardRefresh(h: Harness, setup: MaintenanceSetup, state: string): Promise<string> {
  const job: DashboardJob = {
    kind: "dashboard",
    key: dashboardRefreshKey(setup.repo.fullName, state),
    installationId: setup.installationId,
    deliveryId: "tick",
    repo: setup.repo,
  };
  await submitJob(h.db, h.queue, job, { serialKey: dashboardTargetKey(setup.repo.fullName) });
  return job.key;
}

/** The model's side of one maintenance run: add a docs file (any path), then report in the fix schema. */
export function maintenanceScript(path: string, line: string, summary = "Document sum"): ScriptStep[] {
  const patch = ["*** Begin Patch", `*** Add File: ${path}`, `+${line}`, "*** End Patch"].join("\n");
  return [
    { kind: "exec", cmd: "cat src/sum.js" },
    { kind: "patch", patch },
    {
      kind: "message",
      text: JSON.stringify({
        summary,
        root_cause: "docs/ did not describe src/sum.js.",
        changes: `${path}: describe sum.`,
        tests: [],
        confidence: "high",
        follow_up: "",
      }),
    },
  ];
}

/** A run that looks and finds nothing to do. */
export function maintenanceNothingScript(): ScriptStep[] {
  return [
    { kind: "exec", cmd: "ls docs" },
    {
      kind: "message",
      text: JSON.stringify({
        summary: "Nothing to change",
        root_cause: "docs/ already matches src/.",
        changes: "none",
        tests: [],
        confidence: "high",
        follow_up: "",
      }),
    },
  ];
}

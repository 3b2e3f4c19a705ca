import { submitJob } from "../../jobs/submit.js";
import { maintenanceRunKey, maintenanceTargetKey } from "../../jobs/keys.js";
import type { FixJob, RepoRef } from "../../jobs/types.js";
import type { PipelineDeps } from "../deps.js";

export interface MaintenanceRunRequest {
  installationId: number;
  repo: RepoRef;
  task: string;
  /** A schedule period's key, or `manual-<delivery id>` for a dashboard tick. */
  period: string;
  trigger: "schedule" | "dashboard";
  deliveryId: string;
  /** Who ticked the box; null for a scheduled run. */
  requestedBy: string | null;
  /** The `flaky` preset: the test to make deterministic. */
  test?: string;
}

/**
 * Puts one maintenance run on the queue, at most once per (repository, task, period) whichever worker asks
 * and however often: the key is the guarantee, not the caller's check. The task's runs share a serial key, so
 * a run-now waits for the scheduled run on the same living PR.
 */
export async function enqueueMaintenanceRun(
  deps: Pick<PipelineDeps, "db" | "queue">,
  run: MaintenanceRunRequest,
): Promise<{ enqueued: boolean; key: string }> {
  const key = maintenanceRunKey(run.repo.fullName, run.task, run.period);
  const job: FixJob = {
    kind: "fix",
    key,
    installationId: run.installationId,
    deliveryId: run.deliveryId,
    repo: run.repo,
    requestedBy: run.requestedBy,
    origin: { type: "maintenance", task: run.task, period: run.period, trigger: run.trigger, ...(run.test ? { test: run.test } : {}) },
  };
  const { enqueued } = await submitJob(deps.db, deps.queue, job, {
    meta: { task: run.task, period: run.period, trigger: run.trigger, branch: `codex/maintenance/${run.task}` },
    serialKey: maintenanceTargetKey(run.repo.fullName, run.task),
  });
  return { enqueued, key };
}

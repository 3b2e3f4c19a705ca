import { startWorker, type JobWorker } from "../jobs/worker/start-worker.js";
import type { PipelineDeps } from "./deps.js";
import { reportGiveUp } from "./give-up.js";
import { pipelineHandlers } from "./run-job.js";

/** The worker loop with every pipeline, and the give-up comment after a job's last attempt. */
export function startPipelineWorker(deps: PipelineDeps, concurrency: number): Promise<JobWorker> {
  return startWorker(deps.db, deps.queue, {
    handlers: pipelineHandlers(deps),
    onGiveUp: (kind, data, error) => reportGiveUp(deps, kind, data, error),
    concurrency,
    maxJobsPerInstallation: deps.env.MAX_JOBS_PER_INSTALLATION,
    heartbeatSeconds: deps.env.WORKER_HEARTBEAT_SECONDS,
    deadAfterSeconds: deps.env.WORKER_DEAD_AFTER_SECONDS,
    log: deps.log,
  });
}

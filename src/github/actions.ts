// The Actions API as the pipeline uses it: runs, the jobs of an attempt, and job logs.
export { getWorkflowRun, toWorkflowRun, type WorkflowRun } from "./workflow-run.js";
export { listRunAttemptJobs, toWorkflowJob, type WorkflowJob } from "./workflow-jobs.js";
export { downloadJobLog, DEFAULT_LOG_MAX_BYTES, type LogFileInfo } from "./job-log.js";
export { findLastGreenJobLog } from "./last-green-log.js";

import { writeFile } from "node:fs/promises";
import path from "node:path";
import { downloadJobLog, findLastGreenJobLog, listRunAttemptJobs, DEFAULT_LOG_MAX_BYTES, type LogFileInfo } from "../../github/actions.js";
import { listCheckRunAnnotations } from "../../github/checks.js";
import type { GitHubClient } from "../../github/client.js";
import { redactSecrets } from "../../text-safety/redact.js";
import { openLogFile, reduceLog } from "../../logs/reduce.js";
import type { TriageJob } from "../../jobs/types.js";

export interface FailedJob {
  id: number;
  name: string;
  htmlUrl?: string;
  failedSteps: string[];
  logFile?: string;
  /** Set when the log was longer than the cap and only its tail is in logFile: one sentence for the prompt. */
  logNote?: string;
  excerpt: string;
}

export interface Annotation {
  path: string;
  line: number | null;
  message: string;
}

export interface GatheredFailure {
  failedJobs: FailedJob[];
  totalFailedJobs: number;
  annotations: Annotation[];
  checkOutput?: string;
}

// A matrix can fail dozens of jobs with the same cause; a handful is enough to explain it and keeps the
// prompt (and the cost) small.
const MAX_JOBS = 4;
const FAILED = new Set(["failure", "timed_out"]);

/** 1536 → "1.5 KiB", 67108864 → "64 MiB": binary units, as the cap is set in them. */
export function formatBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let unit = 0;
  let value = n;
  // From 1023.5 up a unit: "1 MiB", not "1024 KiB".
  while (value >= 1023.5 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const text = unit === 0 || value >= 10 ? String(Math.round(value)) : String(Math.round(value * 10) / 10);
  return `${text} ${units[unit]}`;
}

function cutNote(info: LogFileInfo, maxBytes: number): string | undefined {
  if (!info.cut) return undefined;
  return `The log was longer than ${formatBytes(maxBytes)}; only its last ${formatBytes(info.bytesKept)} are on disk (of ${formatBytes(info.bytesTotal)}).`;
}

function safeFileName(name: string): string {
  return (
    name
      .replace(/[^A-Za-z0-9._-]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 60) || "job"
  );
}

/**
 * The failed jobs of the run attempt with their logs on disk (for the agent to grep) and reduced excerpts.
 * Each log (and its last green counterpart) is streamed to its file and capped at `maxLogBytes`, keeping the
 * tail; a cut log is said so in `logNote`.
 */
export async function gatherWorkflowRun(
  gh: GitHubClient,
  job: TriageJob & { source: { type: "workflow_run" } },
  logsDir: string,
  options: { maxLogBytes?: number } = {},
): Promise<GatheredFailure> {
  const maxBytes = options.maxLogBytes ?? DEFAULT_LOG_MAX_BYTES;
  const { owner, name: repo } = job.repo;
  const src = job.source;
  const jobs = await listRunAttemptJobs(gh, { owner, repo, runId: src.runId, attempt: src.runAttempt });
  const failed = jobs.filter((j) => j.conclusion && FAILED.has(j.conclusion));
  const result: GatheredFailure = { failedJobs: [], totalFailedJobs: failed.length, annotations: [] };

  for (const j of failed.slice(0, MAX_JOBS)) {
    const logFile = path.join(logsDir, `${j.id}-${safeFileName(j.name)}.log`);
    const info = await downloadJobLog(gh, { owner, repo, jobId: j.id }, logFile, { maxBytes });
    let passingFile: string | null = null;
    if (job.headBranch || job.repo.defaultBranch) {
      const greenFile = path.join(logsDir, `${j.id}-${safeFileName(j.name)}.last-green.log`);
      const green = await findLastGreenJobLog(
        gh,
        { owner, repo, workflowId: src.workflowId, branch: job.headBranch ?? job.repo.defaultBranch, jobName: j.name },
        greenFile,
        { maxBytes },
      );
      if (green) passingFile = greenFile;
    }
    const reduced = await reduceLog(openLogFile(logFile), { passing: passingFile ? openLogFile(passingFile) : null });
    result.failedJobs.push({
      id: j.id,
      name: j.name,
      htmlUrl: j.htmlUrl ?? undefined,
      failedSteps: j.steps.filter((s) => s.conclusion && FAILED.has(s.conclusion)).map((s) => s.name),
      logFile,
      ...(info.cut ? { logNote: cutNote(info, maxBytes) } : {}),
      excerpt: reduced.text,
    });
    // For Actions, a job's check run has the job's id: its annotations are the `##[error]` lines with files.
    const annotations = await listCheckRunAnnotations(gh, { owner, repo, checkRunId: j.id }).catch(() => []);
    for (const a of annotations) result.annotations.push({ path: a.path, line: a.startLine ?? null, message: redactSecrets(a.message) });
  }
  return result;
}

/** Other CI apps: what they wrote on their check run, and its annotations. */
export async function gatherCheckRun(
  gh: GitHubClient,
  job: TriageJob & { source: { type: "check_run" } },
  logsDir: string,
): Promise<GatheredFailure> {
  const { owner, name: repo } = job.repo;
  const src = job.source;
  const output = [src.output.title, src.output.summary, src.output.text].filter(Boolean).join("\n\n");
  const logFile = path.join(logsDir, `check-${src.checkRunId}.txt`);
  await writeFile(logFile, output);
  const reduced = await reduceLog(openLogFile(logFile));
  const annotations = await listCheckRunAnnotations(gh, { owner, repo, checkRunId: src.checkRunId });
  return {
    failedJobs: [{ id: src.checkRunId, name: src.name, htmlUrl: src.htmlUrl, failedSteps: [], logFile, excerpt: reduced.text }],
    totalFailedJobs: 1,
    annotations: annotations.map((a) => ({ path: a.path, line: a.startLine ?? null, message: redactSecrets(a.message) })),
    checkOutput: src.detailsUrl ? `Details: ${src.detailsUrl}` : undefined,
  };
}

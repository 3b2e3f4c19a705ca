// Finding 13: job logs were buffered whole in memory (twice). A hostile or runaway log — GitHub's can be
// gigabytes — must reach its file chunk by chunk, capped on disk at its tail, through the real download path.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildTriagePrompt } from "../../src/agent/prompts/triage.js";
import { startGitHubStandIn, type GitHubStandIn } from "../../demo/github-standin.js";
import { findLastGreenJobLog } from "../../src/github/last-green-log.js";
import { downloadJobLog } from "../../src/github/job-log.js";
import type { TriageJob } from "../../src/jobs/types.js";
import { gatherWorkflowRun } from "../../src/pipeline/triage/gather.js";
import { testClient } from "../github/client.js";
import { LINE_BYTES, logLines, startHugeLogServer, type HugeLogServer } from "./huge-log-server.js";

const MiB = 1024 * 1024;
const CAP = 8 * MiB;
const repo = { owner: "acme", repo: "app" };

/** Samples memory and the bytes on disk in `dir` while `work` runs; returns the peaks above the start. */
async function measure<T>(
  dir: string,
  work: () => Promise<T>,
): Promise<{ result: T; rssGrowth: number; heapGrowth: number; diskPeak: number }> {
  const start = process.memoryUsage();
  let rss = start.rss;
  let heap = start.heapUsed;
  let diskPeak = 0;
  const sample = () => {
    const now = process.memoryUsage();
    rss = Math.max(rss, now.rss);
    heap = Math.max(heap, now.heapUsed);
    const disk = readdirSync(dir).reduce(
      (sum, name) => sum + (existsSync(path.join(dir, name)) ? statSync(path.join(dir, name)).size : 0),
      0,
    );
    diskPeak = Math.max(diskPeak, disk);
  };
  const timer = setInterval(sample, 20);
  try {
    const result = await work();
    sample();
    return { result, rssGrowth: rss - start.rss, heapGrowth: heap - start.heapUsed, diskPeak };
  } finally {
    clearInterval(timer);
  }
}

describe("job logs streamed to disk with a tail cap", () => {
  let server: HugeLogServer;
  let dir: string;
  beforeAll(async () => {
    server = await startHugeLogServer();
    // A warm-up download first, so the measures see a download and not the first use of fetch, fs and the JIT.
    const warm = mkdtempSync(path.join(tmpdir(), "job-log-warm-up-"));
    server.logs.set(10, { lines: (32 * MiB) / LINE_BYTES, mode: "redirect" });
    await downloadJobLog(testClient(server.baseUrl), { ...repo, jobId: 10 }, path.join(warm, "warm-up.log"), { maxBytes: CAP });
    rmSync(warm, { recursive: true, force: true });
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "job-log-stream-"));
    server.requests.length = 0;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("[S13.1] a 300 MiB job log behind GitHub's 302, cap 8 MiB → only its last whole lines on disk; memory and disk stay far below the log size", async () => {
    const lines = (300 * MiB) / LINE_BYTES; // 3,145,728 lines of 100 bytes
    server.logs.set(1, { lines, mode: "redirect" });
    const file = path.join(dir, "1.log");
    const {
      result: info,
      rssGrowth,
      heapGrowth,
      diskPeak,
    } = await measure(dir, () => downloadJobLog(testClient(server.baseUrl), { ...repo, jobId: 1 }, file, { maxBytes: CAP }));

    // The last 8 MiB + 1 byte start inside a line; the file starts at the next line and ends with the failure.
    const keptLines = Math.floor(CAP / LINE_BYTES);
    expect(info).toEqual({ bytesTotal: 300 * MiB, bytesKept: keptLines * LINE_BYTES, cut: true });
    const onDisk = readFileSync(file);
    expect(onDisk.equals(logLines(lines - keptLines, lines, lines))).toBe(true);
    expect(onDisk.subarray(-LINE_BYTES).toString()).toContain("##[error]the failure is here");
    expect(readdirSync(dir)).toEqual(["1.log"]);
    // Bounded: 300 MiB went through; the heap, the RSS and the disk saw a small fraction of it.
    expect(heapGrowth).toBeLessThan(64 * MiB);
    expect(rssGrowth).toBeLessThan(64 * MiB);
    expect(diskPeak).toBeLessThanOrEqual(2 * CAP + 1);
    // The token went to the API host only; the blob host saw none.
    expect(server.requests).toEqual(["127.0.0.1 /repos/acme/app/actions/jobs/1/logs auth=yes → 302", "127.0.0.2 /blobs/1 auth=no → 200"]);
  }, 120_000);

  it("[S13.2] a GHES answering 200 with a 128 MiB log body → streamed under the same cap, not buffered by Octokit", async () => {
    const lines = Math.ceil((128 * MiB) / LINE_BYTES);
    server.logs.set(2, { lines, mode: "direct" });
    const file = path.join(dir, "2.log");
    const {
      result: info,
      heapGrowth,
      rssGrowth,
    } = await measure(dir, () => downloadJobLog(testClient(server.baseUrl), { ...repo, jobId: 2 }, file, { maxBytes: CAP }));
    const keptLines = Math.floor(CAP / LINE_BYTES);
    expect(info).toEqual({ bytesTotal: lines * LINE_BYTES, bytesKept: keptLines * LINE_BYTES, cut: true });
    expect(readFileSync(file).equals(logLines(lines - keptLines, lines, lines))).toBe(true);
    expect(heapGrowth).toBeLessThan(64 * MiB);
    expect(rssGrowth).toBeLessThan(64 * MiB);
  }, 120_000);

  it("[S13.3] a blob host that breaks off mid-log → a fresh URL is asked for, then an error naming only the host; no partial file left", async () => {
    server.logs.set(3, { lines: (32 * MiB) / LINE_BYTES, mode: "redirect", breakAfterBytes: 4 * MiB });
    const file = path.join(dir, "3.log");
    const error = await downloadJobLog(testClient(server.baseUrl), { ...repo, jobId: 3 }, file, { maxBytes: CAP, maxTries: 2 }).catch(
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/log of job 3 \(try 1: 127\.0\.0\.2:\d+ failed .*; try 2: 127\.0\.0\.2:\d+ failed/);
    expect((error as Error).message).not.toContain("s3cr3t");
    expect(server.requests.filter((r) => r.includes("/logs "))).toHaveLength(2);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("[S13.4] a 16 MB log with no line break at all → its last 8 MiB are kept (not an empty file), cut reported", async () => {
    server.logs.set(4, { lines: 163_840, mode: "redirect", noNewlines: true });
    const file = path.join(dir, "4.log");
    const info = await downloadJobLog(testClient(server.baseUrl), { ...repo, jobId: 4 }, file, { maxBytes: CAP });
    expect(info).toEqual({ bytesTotal: 16_384_000, bytesKept: CAP, cut: true });
    expect(statSync(file).size).toBe(CAP);
    expect(readFileSync(file).every((b) => b === 0x78)).toBe(true);
  });
});

describe("the last green log and the triage gather", () => {
  let standIn: GitHubStandIn;
  let root: string;
  let headSha: string;
  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), "job-log-gather-"));
    const remote = path.join(root, "app.git");
    execFileSync("git", ["init", "--quiet", "--bare", "--initial-branch=main", remote]);
    headSha = "a".repeat(40);
    standIn = await startGitHubStandIn();
    standIn.addRepo({ owner: "acme", name: "app", cloneUrl: remote, installationId: 7 });
  });
  afterAll(async () => {
    await standIn?.close();
    rmSync(root, { recursive: true, force: true });
  });

  const bigLog = (lines: number, last: string) =>
    Buffer.from(
      Array.from({ length: lines }, (_, i) => (i === lines - 1 ? last : `line ${i} of a long and noisy log`).padEnd(63, " ") + "\n").join(
        "",
      ),
    );

  it("[S13.5] a huge last green log → capped in its own file; a last green log that cannot be fetched → no file", async () => {
    const gh = testClient(standIn.baseUrl);
    standIn.addWorkflowRun("acme/app", {
      headSha,
      jobs: [{ id: 5001, name: "lint", conclusion: "success", log: bigLog(40_000, "all good") }],
    });
    const file = path.join(root, "green.log");
    const info = await findLastGreenJobLog(gh, { ...repo, workflowId: 1, branch: "main", jobName: "lint" }, file, { maxBytes: MiB });
    expect(info).toEqual({ bytesTotal: 40_000 * 64, bytesKept: Math.floor(MiB / 64) * 64, cut: true });
    expect(statSync(file).size).toBe(info!.bytesKept);
    expect(readFileSync(file, "utf8").trimEnd().endsWith("all good")).toBe(true);

    // Every signed URL expires before use: optional context, so null and no file (nor ring) left behind.
    standIn.setJobLog("acme/app", 5001, bigLog(40_000, "all good"), { expireFirstLinks: 3 });
    const failing = path.join(root, "green-failing.log");
    expect(
      await findLastGreenJobLog(gh, { ...repo, workflowId: 1, branch: "main", jobName: "lint" }, failing, { maxBytes: MiB }),
    ).toBeNull();
    expect(readdirSync(root).filter((n) => n.startsWith("green-failing"))).toEqual([]);
  });

  it("[S13.6] a failed job's log over the cap → the gathered job and the agent's prompt say only its tail is on disk", async () => {
    const gh = testClient(standIn.baseUrl);
    const log = bigLog(50_000, "##[error]expected 1 got 2"); // 3,200,000 bytes
    const run = standIn.addWorkflowRun("acme/app", {
      headSha,
      jobs: [{ name: "test", conclusion: "failure", steps: [{ name: "npm test", conclusion: "failure" }], log }],
    });
    const logsDir = mkdtempSync(path.join(root, "logs-"));
    const job = {
      kind: "triage",
      key: "k",
      installationId: 7,
      deliveryId: "d",
      repo: { owner: "acme", name: "app", fullName: "acme/app", cloneUrl: "x", defaultBranch: "main", private: false },
      headSha,
      headBranch: "main",
      pullNumbers: [],
      fromFork: false,
      source: {
        type: "workflow_run",
        runId: run.id,
        runAttempt: 1,
        workflowId: 1,
        workflowName: "CI",
        htmlUrl: "u",
        conclusion: "failure",
      },
    } satisfies TriageJob;

    const gathered = await gatherWorkflowRun(gh, job, logsDir, { maxLogBytes: MiB });
    const [failed] = gathered.failedJobs;
    expect(failed.logNote).toBe("The log was longer than 1 MiB; only its last 1 MiB are on disk (of 3.1 MiB).");
    expect(statSync(failed.logFile!).size).toBe(Math.floor(MiB / 64) * 64);
    expect(failed.excerpt).toContain("##[error]expected 1 got 2");
    const prompt = buildTriagePrompt({
      ...job,
      repoFullName: "acme/app",
      ciName: "CI",
      failedJobs: gathered.failedJobs,
      annotations: [],
      logsDir,
    });
    expect(prompt).toContain(`job 1 full log: ${failed.logFile}`);
    expect(prompt).toContain("Job 1: The log was longer than 1 MiB; only its last 1 MiB are on disk (of 3.1 MiB).");
  });
});

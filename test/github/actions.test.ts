import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { findLastGreenJobLog, getWorkflowRun, listRunAttemptJobs } from "../../src/github/actions.js";
import { API, assertAllMocksUsed, testClient, useNock } from "./client.js";

const BLOBS = "https://blobs.example";

function job(id: number, name: string, conclusion: string | null) {
  return {
    id,
    name,
    conclusion,
    status: conclusion ? "completed" : "in_progress",
    html_url: `https://github.com/acme/app/actions/runs/1/job/${id}`,
    started_at: "2026-01-01T00:00:00Z",
    completed_at: conclusion ? "2026-01-01T00:01:00Z" : null,
    steps: [{ name: "Run tests", number: 3, conclusion, status: "completed" }],
  };
}

describe("listRunAttemptJobs", () => {
  beforeEach(useNock);
  afterEach(assertAllMocksUsed);

  it("reads every page of the attempt's jobs", async () => {
    const route = "/repos/acme/app/actions/runs/1/attempts/2/jobs";
    nock(API)
      .get(route)
      .query({ per_page: 100 })
      .reply(200, { total_count: 2, jobs: [job(10, "build", "success")] }, { link: `<${API}${route}?per_page=100&page=2>; rel="next"` })
      .get(route)
      .query({ per_page: 100, page: 2 })
      .reply(200, { total_count: 2, jobs: [job(11, "test", "failure")] });
    const jobs = await listRunAttemptJobs(testClient(), { owner: "acme", repo: "app", runId: 1, attempt: 2 });
    expect(jobs.map((j) => [j.id, j.name, j.conclusion])).toEqual([
      [10, "build", "success"],
      [11, "test", "failure"],
    ]);
    expect(jobs[1]).toEqual({
      id: 11,
      name: "test",
      conclusion: "failure",
      status: "completed",
      htmlUrl: "https://github.com/acme/app/actions/runs/1/job/11",
      startedAt: "2026-01-01T00:00:00Z",
      completedAt: "2026-01-01T00:01:00Z",
      steps: [{ name: "Run tests", number: 3, conclusion: "failure" }],
    });
  });
});

describe("getWorkflowRun", () => {
  beforeEach(useNock);
  afterEach(assertAllMocksUsed);

  it("returns the fields the pipeline uses", async () => {
    nock(API)
      .get("/repos/acme/app/actions/runs/5")
      .reply(200, {
        id: 5,
        name: "CI",
        run_attempt: 2,
        head_sha: "b".repeat(40),
        head_branch: "feature",
        head_repository: { full_name: "fork/app" },
        event: "pull_request",
        status: "completed",
        conclusion: "failure",
        html_url: "https://github.com/acme/app/actions/runs/5",
        workflow_id: 99,
        pull_requests: [{ number: 3, url: "x" }],
      });
    expect(await getWorkflowRun(testClient(), { owner: "acme", repo: "app", runId: 5 })).toEqual({
      id: 5,
      name: "CI",
      runAttempt: 2,
      headSha: "b".repeat(40),
      headBranch: "feature",
      headRepoFullName: "fork/app",
      event: "pull_request",
      status: "completed",
      conclusion: "failure",
      htmlUrl: "https://github.com/acme/app/actions/runs/5",
      workflowId: 99,
      pullRequestNumbers: [3],
    });
  });
});

describe("findLastGreenJobLog", () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    useNock();
    dir = mkdtempSync(path.join(tmpdir(), "last-green-"));
    file = path.join(dir, "green.log");
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    assertAllMocksUsed();
  });

  const runs = "/repos/acme/app/actions/workflows/99/runs";
  const query = { branch: "main", status: "success", per_page: 5 };

  it("takes the newest green run that has a green job of that name and downloads its log", async () => {
    nock(API)
      .get(runs)
      .query(query)
      .reply(200, {
        total_count: 2,
        workflow_runs: [
          { id: 30, run_attempt: 1 },
          { id: 20, run_attempt: 2 },
        ],
      })
      .get("/repos/acme/app/actions/runs/30/attempts/1/jobs")
      .query(true)
      .reply(200, { total_count: 1, jobs: [job(300, "lint", "success")] })
      .get("/repos/acme/app/actions/runs/20/attempts/2/jobs")
      .query(true)
      .reply(200, { total_count: 1, jobs: [job(200, "test", "success")] })
      .get("/repos/acme/app/actions/jobs/200/logs")
      .reply(302, "", { location: `${BLOBS}/200` });
    nock(BLOBS).get("/200").reply(200, "green log");
    const info = await findLastGreenJobLog(
      testClient(),
      { owner: "acme", repo: "app", workflowId: 99, branch: "main", jobName: "test" },
      file,
    );
    expect(info).toEqual({ bytesTotal: 9, bytesKept: 9, cut: false });
    expect(readFileSync(file, "utf8")).toBe("green log");
  });

  it("returns null when there is no green run, and null (not an error) when GitHub fails", async () => {
    nock(API)
      .get(runs)
      .query(query)
      .reply(200, { total_count: 0, workflow_runs: [] })
      .get(runs)
      .query(query)
      .reply(500, { message: "boom" });
    const params = { owner: "acme", repo: "app", workflowId: 99, branch: "main", jobName: "test" };
    expect(await findLastGreenJobLog(testClient(), params, file)).toBeNull();
    expect(await findLastGreenJobLog(testClient(), params, file)).toBeNull();
    expect(existsSync(file)).toBe(false);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../../demo/harness.js";
import { issueFixScript, setupIssueFix, type IssueFixSetup } from "../../demo/scenarios/issue-fix.js";
import { getBotPr } from "../../src/jobs/outcomes.js";
import { noteFeedbackComment } from "../../src/jobs/outcomes-feedback.js";
import { outcomeStats } from "../../src/jobs/outcome-stats.js";
import { getJobRecord } from "../../src/jobs/records.js";
import { sweepFeedbackAfterJob } from "../../src/pipeline/steps/feedback-sweep.js";
import { startHealthServer, type HealthServer } from "../../src/web/health-server.js";
import { agentBinaries } from "../../src/web/agent-binaries.js";
import { parseMetrics, type Scrape } from "../helpers/metrics-scrape.js";

// A real pipeline run (a labelled issue becomes a draft PR: real codex, real git, the stand-in for GitHub), then
// what operators and maintainers read of it: /metrics scraped from the worker's health server and parsed, the
// bot's PR recorded and followed through GitHub's merge and a revert, and reactions on the bot's comment read back.
type AnyJson = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
let h: Harness;
let setup: IssueFixSetup;
let server: HealthServer;
let before: Scrape;
let after: Scrape;

const scrape = async () => {
  const res = await fetch(`http://127.0.0.1:${server.port}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/plain");
  return parseMetrics(await res.text());
};

beforeAll(async () => {
  h = await startHarness({ script: issueFixScript() });
  server = await startHealthServer(h.db, 0, "127.0.0.1", { agents: agentBinaries(h.env) });
  setup = await setupIssueFix(h);
  before = await scrape();
  await h.deliver("issues", setup.payload, setup.deliveryId);
  await h.waitForJob(setup.key, 90_000);
  after = await scrape();
}, 150_000);

afterAll(async () => {
  await server?.close();
  await setup?.remote.cleanup();
  await h?.close();
});

const pr = () => (h.standIn.snapshot() as unknown as { pullRequests: AnyJson[] }).pullRequests[0];

describe("/metrics after a real fix run", () => {
  it("the per-process counters moved: GitHub requests, agent tokens and duration, webhook handling", () => {
    const moved = (name: string, labels?: Record<string, string>) => after.sum(name, labels) - before.sum(name, labels);
    expect(moved("codex_dispatch_github_requests_total", { method: "POST", status: "201" })).toBeGreaterThan(0);
    expect(moved("codex_dispatch_github_requests_total", { method: "GET", status: "200" })).toBeGreaterThan(0);
    expect(moved("codex_dispatch_agent_tokens_total", { agent: "codex", kind: "fix", direction: "input" })).toBeGreaterThan(0);
    expect(moved("codex_dispatch_agent_duration_seconds_count", { agent: "codex", kind: "fix", outcome: "completed" })).toBe(1);
    expect(moved("codex_dispatch_agent_duration_seconds_sum", { agent: "codex", kind: "fix" })).toBeGreaterThan(0);
    expect(moved("codex_dispatch_agent_cost_usd_total", { agent: "codex", kind: "fix" })).toBeGreaterThan(0);
    expect(moved("codex_dispatch_webhook_duration_seconds_count", { event: "issues.labeled", result: "ok" })).toBe(1);
    expect(after.types.get("codex_dispatch_agent_duration_seconds")).toBe("histogram");
    expect(after.types.get("codex_dispatch_github_requests_total")).toBe("counter");
  });

  it("the database gauges read the shared records: the fix succeeded with a PR, nothing left waiting", async () => {
    expect(before.sum("codex_dispatch_jobs", { kind: "fix" })).toBe(0);
    expect(after.sum("codex_dispatch_jobs", { kind: "fix", status: "succeeded", outcome: "pr-opened" })).toBe(1);
    expect(after.types.get("codex_dispatch_queue_depth")).toBe("gauge");
    expect(after.sum("codex_dispatch_queue_depth", { kind: "fix" })).toBe(0);
    // Tokens in the job record match what the counter saw (one agent run).
    const record = await getJobRecord(h.db, setup.key);
    const tokens = after.sum("codex_dispatch_agent_tokens_total", { agent: "codex", kind: "fix" });
    expect(tokens - before.sum("codex_dispatch_agent_tokens_total", { agent: "codex", kind: "fix" })).toBe(
      (record?.tokens?.input ?? 0) + (record?.tokens?.output ?? 0),
    );
  });

  it("/healthz checks the database and the agent binaries; /readyz the schema version", async () => {
    const health = await fetch(`http://127.0.0.1:${server.port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true, database: "pglite", agents: { codex: true } });
    const ready = await fetch(`http://127.0.0.1:${server.port}/readyz`);
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as { schema: { current: number; expected: number } };
    expect(body.schema.current).toBe(body.schema.expected);
  });
});

describe("the bot's PR, from opening to revert", () => {
  it("is recorded by the fix pipeline with its job, kind, agent and head", async () => {
    expect(await getBotPr(h.db, setup.repoFullName, pr().number)).toMatchObject({
      jobKey: setup.key,
      kind: "fix",
      agent: "codex",
      state: "open",
      headSha: pr().head.sha,
    });
  });

  it("GitHub's merge (a signed pull_request.closed) and a pushed revert count in outcomeStats", async () => {
    const now = new Date().toISOString();
    const mergeSha = "d".repeat(40);
    const repository = (setup.payload as AnyJson).repository;
    const merged: AnyJson = { ...pr(), state: "closed", merged: true, merged_at: now, closed_at: now, merge_commit_sha: mergeSha };
    const installation = (setup.payload as AnyJson).installation;
    const sender = { login: "maintainer-mona", id: 9001, type: "User" };
    await h.deliver("pull_request", { action: "closed", number: merged.number, pull_request: merged, repository, installation, sender });
    expect(await getBotPr(h.db, setup.repoFullName, merged.number)).toMatchObject({ state: "merged", mergeSha });

    const stats = await outcomeStats(h.db, { repo: setup.repoFullName });
    const record = await getJobRecord(h.db, setup.key);
    const fix = stats.find((s) => s.kind === "fix" && s.agent === "codex");
    expect(fix).toMatchObject({ prs: { opened: 1, merged: 1, closed: 0, open: 0, reverted: 0 }, mergedShare: 1, labelledFixes: 1 });
    expect(fix?.tokensPerMergedFix).toBe((record?.tokens?.input ?? 0) + (record?.tokens?.output ?? 0));
    expect(fix?.costPerMergedFixUsd).toBeCloseTo(record?.costUsd ?? -1, 9);
    // From the label's webhook (the job's creation) to the PR: positive, and shorter than the whole job.
    expect(fix?.medianLabelToPrMs).toBeGreaterThan(0);
    expect(fix?.medianLabelToPrMs).toBeLessThanOrEqual(Date.parse(record!.finishedAt!) - Date.parse(record!.createdAt));

    const revert = { id: "e".repeat(40), message: `Revert "${merged.title}"\n\nThis reverts commit ${mergeSha}.`, timestamp: now };
    await h.deliver("push", {
      ref: `refs/heads/${repository.default_branch}`,
      after: revert.id,
      commits: [revert],
      repository,
      installation,
      sender,
    });
    expect(await getBotPr(h.db, setup.repoFullName, merged.number)).toMatchObject({ revertSha: revert.id });
    expect((await outcomeStats(h.db, { repo: setup.repoFullName })).find((s) => s.kind === "fix")?.prs.reverted).toBe(1);
  });

  it("👍/👎 on the bot's comment are read back after a job on the repository, once they are an hour old", async () => {
    const { comments } = h.standIn.state as unknown as { comments: AnyJson[] };
    const comment = comments.find(
      (c) => c.user.login === "codex-dispatch[bot]" && String(c.issue_url).endsWith(`/issues/${setup.issueNumber}`),
    );
    expect(comment).toBeDefined();
    await noteFeedbackComment(h.db, { repo: setup.repoFullName, commentId: comment!.id, jobKey: setup.key });
    // People react; GitHub's comment object carries the rollup.
    comment!.reactions = { total_count: 4, "+1": 3, "-1": 1, laugh: 0, hooray: 0, confused: 0, heart: 0, rocket: 0, eyes: 0 };
    const deps = { db: h.db, github: (id: number) => h.probot.auth(id) as never, log: { warn: () => undefined } as never };
    const jobData = (await getJobRecord(h.db, setup.key))!.data;
    // Just noted: not due yet, so no request is made.
    expect(await sweepFeedbackAfterJob(deps, jobData)).toBe(0);
    await h.db.query(`UPDATE codex_dispatch.comment_feedback SET updated_at = now() - interval '2 hours'`);
    expect(await sweepFeedbackAfterJob(deps, jobData)).toBe(1);
    const { rows } = await h.db.query(`SELECT thumbs_up, thumbs_down, job_key FROM codex_dispatch.comment_feedback`);
    expect(rows).toEqual([{ thumbs_up: 3, thumbs_down: 1, job_key: setup.key }]);
  });
});

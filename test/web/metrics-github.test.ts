import nock from "nock";
import { ProbotOctokit } from "probot";
import { afterEach, describe, expect, it } from "vitest";
import { registry } from "../../src/web/metrics.js";
import { countGitHubRequests } from "../../src/web/metrics-github.js";
import { parseMetrics } from "../helpers/metrics-scrape.js";

// The Octokit hook behind codex_dispatch_github_*: a real ProbotOctokit against a mocked api.github.com.
const scrape = async () => parseMetrics(await registry.metrics());

afterEach(() => nock.cleanAll());

describe("GitHub request metrics", () => {
  it("counts requests by method and status, failures by status, and keeps x-ratelimit-remaining per client", async () => {
    const gh = countGitHubRequests(
      new (ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } }))({ auth: "token" }),
      "77",
    );
    // A second install is a no-op: each request is counted once.
    countGitHubRequests(gh, "77");
    const before = await scrape();
    nock("https://api.github.com")
      .get("/repos/o/r")
      .reply(200, { id: 1 }, { "x-ratelimit-remaining": "4321" })
      .get("/repos/o/missing")
      .reply(404, { message: "Not Found" }, { "x-ratelimit-remaining": "4320" })
      .post("/repos/o/r/issues/1/comments")
      .reply(201, { id: 2 }, { "x-ratelimit-remaining": "4319" });
    await gh.request("GET /repos/{owner}/{repo}", { owner: "o", repo: "r" });
    await expect(gh.request("GET /repos/{owner}/{repo}", { owner: "o", repo: "missing" })).rejects.toMatchObject({ status: 404 });
    const afterGet = await scrape();
    expect(afterGet.sum("codex_dispatch_github_rate_limit_remaining", { client: "77" })).toBe(4320);
    await gh.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", { owner: "o", repo: "r", issue_number: 1, body: "x" });
    const after = await scrape();
    const moved = (name: string, labels: Record<string, string>) => after.sum(name, labels) - before.sum(name, labels);
    expect(moved("codex_dispatch_github_requests_total", { method: "GET", status: "200" })).toBe(1);
    expect(moved("codex_dispatch_github_requests_total", { method: "GET", status: "404" })).toBe(1);
    expect(moved("codex_dispatch_github_requests_total", { method: "POST", status: "201" })).toBe(1);
    expect(moved("codex_dispatch_github_request_errors_total", { status: "404" })).toBe(1);
    expect(moved("codex_dispatch_github_request_errors_total", { status: "200" })).toBe(0);
    expect(after.sum("codex_dispatch_github_rate_limit_remaining", { client: "77" })).toBe(4319);
  });
});

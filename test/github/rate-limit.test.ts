import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Probot, ProbotOctokit } from "probot";
import { pino } from "pino";
import { startGitHubStandIn, type GitHubStandIn } from "../../demo/github-standin.js";
import { upsertStickyComment } from "../../src/github/comments.js";
import { GitHubError } from "../../src/github/errors.js";
import { testPrivateKey } from "../helpers/probot.js";

// Rate limits are Probot's plugins' job (throttling waits for retry-after, retry repeats server errors):
// configured, not rebuilt. These tests show what a user gets: the work done after the wait, or, when
// GitHub keeps refusing, an error that says which request failed and why.
let standIn: GitHubStandIn;
beforeAll(async () => {
  standIn = await startGitHubStandIn();
  standIn.addRepo({ owner: "o", name: "r", cloneUrl: "/nonexistent", installationId: 9 });
  standIn.addIssue("o/r", { title: "t" });
});
afterAll(async () => standIn.close());

function octokitWith(opts: { throttle: boolean }) {
  const probot = new Probot({
    appId: 4242,
    privateKey: testPrivateKey(),
    baseUrl: standIn.baseUrl,
    log: pino({ level: "silent" }),
    Octokit: ProbotOctokit.defaults({
      retry: { enabled: false },
      // Probot's own handlers log and retry once the wait is over.
      throttle: { enabled: opts.throttle },
    }),
  });
  return probot.auth(9);
}

describe("GitHub rate limits", () => {
  it("waits for retry-after on a secondary rate limit and then posts", async () => {
    const gh = await octokitWith({ throttle: true });
    standIn.failNext("POST", /^\/repos\/o\/r\/issues\/1\/comments$/, 403, 1, {
      "retry-after": "1",
      "x-ratelimit-remaining": "0",
      "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 1),
    });
    const started = Date.now();
    const comment = await upsertStickyComment(gh, {
      owner: "o",
      repo: "r",
      issueNumber: 1,
      marker: "<!-- codex-dispatch:t -->",
      body: "hello",
    });
    expect(comment.created).toBe(true);
    const posts = standIn.requests.filter((r) => r.method === "POST" && r.path.endsWith("/issues/1/comments")).map((r) => r.status);
    expect(posts).toEqual([403, 201]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it("when GitHub keeps refusing, the error names the request and the status", async () => {
    const gh = await octokitWith({ throttle: false });
    standIn.failNext("GET", /^\/repos\/o\/r\/issues\/1\/comments$/, 429, 1, { "retry-after": "60" });
    const error = await upsertStickyComment(gh, {
      owner: "o",
      repo: "r",
      issueNumber: 1,
      marker: "<!-- codex-dispatch:t -->",
      body: "x",
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubError);
    expect((error as GitHubError).status).toBe(429);
    expect((error as Error).message).toContain("GET /repos/o/r/issues/1/comments");
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGitHubStandIn, type GitHubStandIn } from "../../demo/github-standin.js";
import { publishCheckRun } from "../../src/github/checks.js";
import { upsertStickyComment } from "../../src/github/comments.js";
import { GitHubError } from "../../src/github/errors.js";
import { appClient } from "./client.js";

// The production Octokit (Probot's retry and throttling plugins, our rate-limit policy) against the stand-in:
// a POST that GitHub carried out but answered 502 is not repeated blindly, and a secondary rate limit is waited
// out in place. Found by the fault suite (test/faults/github-write-faults.test.ts), which shows the same on
// real worker processes.
let standIn: GitHubStandIn;
const SHA = "a".repeat(40);
const comments = /^\/repos\/o\/w\/issues\/1\/comments$/;
const checkRuns = /^\/repos\/o\/w\/check-runs$/;

beforeAll(async () => {
  standIn = await startGitHubStandIn();
  standIn.addRepo({ owner: "o", name: "w", cloneUrl: "/nonexistent", installationId: 19 });
  standIn.addIssue("o/w", { title: "t" });
});
afterAll(async () => standIn.close());

const client = () => appClient(standIn.baseUrl, 19);

const posts = (path: RegExp) => standIn.requests.filter((r) => r.method === "POST" && path.test(r.path.replace(/^\/api\/v3/, "")));
const sticky = (marker: string) => ({ owner: "o", repo: "w", issueNumber: 1, marker, body: "report" });

describe("writes GitHub did but answered 5xx", () => {
  it("a comment POST answered 502 after GitHub created it → found again, not posted twice", async () => {
    const gh = await client();
    standIn.injectFault({ method: "POST", path: comments, status: 502, times: 1, afterHandling: true });
    const result = await upsertStickyComment(gh, sticky("<!-- codex-dispatch:w1 -->"));
    expect(posts(comments).map((r) => r.status)).toEqual([502]);
    expect(standIn.state.comments.filter((c) => c.body.includes("<!-- codex-dispatch:w1 -->"))).toHaveLength(1);
    expect(result).toMatchObject({ id: standIn.state.comments.at(-1)?.id, created: true });
  });

  it("a comment POST answered 500 without writing → posted again after the look finds nothing", async () => {
    const gh = await client();
    const before = posts(comments).length;
    standIn.injectFault({ method: "POST", path: comments, status: 500, times: 1 });
    await upsertStickyComment(gh, sticky("<!-- codex-dispatch:w2 -->"));
    expect(
      posts(comments)
        .slice(before)
        .map((r) => r.status),
    ).toEqual([500, 201]);
    expect(standIn.state.comments.filter((c) => c.body.includes("<!-- codex-dispatch:w2 -->"))).toHaveLength(1);
  });

  it("a check run POST answered 502 after GitHub created it → one check run", async () => {
    const gh = await client();
    standIn.injectFault({ method: "POST", path: checkRuns, status: 502, times: 1, afterHandling: true });
    const run = await publishCheckRun(gh, {
      owner: "o",
      repo: "w",
      headSha: SHA,
      name: "Codex triage",
      externalId: "k1",
      title: "t",
      summary: "s",
    });
    expect(posts(checkRuns).map((r) => r.status)).toEqual([502]);
    expect(standIn.state.checkRuns.filter((c) => c.external_id === "k1").map((c) => c.id)).toEqual([run.id]);
  });

  it("a 4xx on the POST is not repeated: the error names the request", async () => {
    const gh = await client();
    const before = posts(comments).length;
    standIn.injectFault({ method: "POST", path: comments, status: 422, times: 1 });
    const error = await upsertStickyComment(gh, sticky("<!-- codex-dispatch:w3 -->")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubError);
    expect((error as GitHubError).status).toBe(422);
    expect(posts(comments).length - before).toBe(1);
  });
});

describe("secondary rate limits", () => {
  const limited = (retryAfter: string) => ({
    method: "POST",
    path: comments,
    status: 403,
    times: 1,
    message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
    headers: { "retry-after": retryAfter },
  });

  it("403 secondary limit with retry-after 1 → waits 1 s in place, then posts", async () => {
    const gh = await client();
    const before = posts(comments).length;
    standIn.injectFault(limited("1"));
    await upsertStickyComment(gh, sticky("<!-- codex-dispatch:w4 -->"));
    const tries = posts(comments).slice(before);
    expect(tries.map((r) => r.status)).toEqual([403, 201]);
    expect(tries[1].at - tries[0].at).toBeGreaterThanOrEqual(950);
  });

  it("a secondary limit asking for more than the longest wait → fails at once with 403 (the job's retry comes later)", async () => {
    const gh = await client();
    standIn.injectFault(limited("3600"));
    const started = Date.now();
    const error = await upsertStickyComment(gh, sticky("<!-- codex-dispatch:w5 -->")).catch((e: unknown) => e);
    expect((error as GitHubError).status).toBe(403);
    // Well under the hour asked for: POSTs are spaced 1 s apart by the throttling plugin, the machine may be busy.
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Probot } from "probot";
import { pino } from "pino";
import { startGitHubStandIn, type GitHubStandIn } from "../../demo/github-standin.js";
import { callGitHub } from "../../src/github/errors.js";
import { goneInstallation } from "../../src/github/installation-gone.js";
import { AppOctokit } from "../../src/github/rate-limit-policy.js";
import { testPrivateKey } from "../helpers/probot.js";

// The one GitHub failure the worker treats as permanent (the job fails at once, no retries): a 404 to the
// installation's token request, as Probot's Octokit reports it through whatever request needed the token.
let standIn: GitHubStandIn;
beforeAll(async () => {
  standIn = await startGitHubStandIn();
  standIn.addRepo({ owner: "o", name: "here", cloneUrl: "/nonexistent", installationId: 21 });
});
afterAll(async () => standIn.close());

const probot = () =>
  new Probot({ appId: 4242, privateKey: testPrivateKey(), baseUrl: standIn.baseUrl, log: pino({ level: "silent" }), Octokit: AppOctokit });

describe("goneInstallation", () => {
  it("a request of an uninstalled installation (its token request 404s) → that installation's id", async () => {
    const gh = await probot().auth(777);
    const error = await callGitHub("GET /repos/o/here", () => gh.request("GET /repos/{owner}/{repo}", { owner: "o", repo: "here" })).catch(
      (e: unknown) => e,
    );
    expect(goneInstallation(error)).toBe(777);
  });

  it("a 404 of the request itself (a missing file, a deleted issue) → null: not permanent for the job", async () => {
    const gh = await probot().auth(21);
    const error = await callGitHub("GET /repos/o/nope", () => gh.request("GET /repos/{owner}/{repo}", { owner: "o", repo: "nope" })).catch(
      (e: unknown) => e,
    );
    expect((error as { status: number }).status).toBe(404);
    expect(goneInstallation(error)).toBeNull();
  });

  it("an error without a request (a parse error, a plain Error) → null", () => {
    expect(goneInstallation(new Error("x"))).toBeNull();
    expect(goneInstallation({ status: 404, request: { url: "https://api.github.com/repos/o/r" } })).toBeNull();
    expect(goneInstallation({ status: 404, request: { url: "https://api.github.com/app/installations/5/access_tokens" } })).toBe(5);
  });
});

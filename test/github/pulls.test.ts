import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { getCollaboratorPermission } from "../../src/github/permissions.js";
import { findPullRequestsForSha, getPullRequest } from "../../src/github/pulls.js";
import { API, assertAllMocksUsed, testClient, useNock } from "./client.js";

const sha = "c".repeat(40);
function pr(number: number, state: string, headRepo: string | null) {
  return {
    number,
    state,
    draft: number === 2,
    html_url: `https://github.com/acme/app/pull/${number}`,
    head: { ref: "feature", sha, repo: headRepo ? { full_name: headRepo } : null },
    base: { ref: "main", sha: "d".repeat(40), repo: { full_name: "acme/app" } },
  };
}

describe("pull requests", () => {
  beforeEach(useNock);
  afterEach(assertAllMocksUsed);

  it("finds the open pull requests of a commit, fork heads included", async () => {
    nock(API)
      .get(`/repos/acme/app/commits/${sha}/pulls`)
      .query({ per_page: 100 })
      .reply(200, [pr(1, "closed", "acme/app"), pr(2, "open", "fork/app"), pr(3, "open", null)]);
    const prs = await findPullRequestsForSha(testClient(), { owner: "acme", repo: "app", sha });
    expect(prs).toEqual([
      {
        number: 2,
        state: "open",
        headRef: "feature",
        headSha: sha,
        headRepoFullName: "fork/app",
        baseRef: "main",
        baseRepoFullName: "acme/app",
        draft: true,
        htmlUrl: "https://github.com/acme/app/pull/2",
        authorLogin: null,
        body: null,
      },
      {
        number: 3,
        state: "open",
        headRef: "feature",
        headSha: sha,
        headRepoFullName: null,
        baseRef: "main",
        baseRepoFullName: "acme/app",
        draft: false,
        htmlUrl: "https://github.com/acme/app/pull/3",
        authorLogin: null,
        body: null,
      },
    ]);
  });

  it("reads one pull request", async () => {
    nock(API)
      .get("/repos/acme/app/pulls/4")
      .reply(200, pr(4, "open", "acme/app"));
    expect(await getPullRequest(testClient(), { owner: "acme", repo: "app", number: 4 })).toMatchObject({
      number: 4,
      headRepoFullName: "acme/app",
    });
  });

  it("rejects a sha that is not hexadecimal", async () => {
    await expect(findPullRequestsForSha(testClient(), { owner: "acme", repo: "app", sha: "main; rm" })).rejects.toThrow(/hexadecimal/);
  });
});

describe("getCollaboratorPermission", () => {
  beforeEach(useNock);
  afterEach(assertAllMocksUsed);

  it("reads the role (maintain, triage), a custom role as its base, and treats a non-collaborator as none", async () => {
    nock(API)
      .get("/repos/acme/app/collaborators/alice/permission")
      .reply(200, { permission: "write", role_name: "maintain" })
      .get("/repos/acme/app/collaborators/trina/permission")
      .reply(200, { permission: "read", role_name: "triage" })
      .get("/repos/acme/app/collaborators/casey/permission")
      .reply(200, { permission: "write", role_name: "release-manager" })
      .get("/repos/acme/app/collaborators/mallory/permission")
      .reply(404, { message: "Not Found" });
    const gh = testClient();
    expect(await getCollaboratorPermission(gh, { owner: "acme", repo: "app", username: "alice" })).toBe("maintain");
    expect(await getCollaboratorPermission(gh, { owner: "acme", repo: "app", username: "trina" })).toBe("triage");
    expect(await getCollaboratorPermission(gh, { owner: "acme", repo: "app", username: "casey" })).toBe("write");
    expect(await getCollaboratorPermission(gh, { owner: "acme", repo: "app", username: "mallory" })).toBe("none");
  });
});

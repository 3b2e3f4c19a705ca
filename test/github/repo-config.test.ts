import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fetchRepoConfigText } from "../../src/github/repo-config.js";
import { API, assertAllMocksUsed, testClient, useNock } from "./client.js";

const route = "/repos/acme/app/contents/.github%2Fcodex.yml";

describe("fetchRepoConfigText", () => {
  beforeEach(useNock);
  afterEach(assertAllMocksUsed);

  it("asks for the raw file at the ref and returns its text", async () => {
    nock(API, { reqheaders: { accept: /raw/ } })
      .get(route)
      .query({ ref: "abc123" })
      .reply(200, "triage:\n  enabled: true\n", { "content-type": "application/vnd.github.raw; charset=utf-8" });
    expect(await fetchRepoConfigText(testClient(), { owner: "acme", repo: "app", ref: "abc123" })).toBe("triage:\n  enabled: true\n");
  });

  it("understands the JSON form with base64 content", async () => {
    nock(API)
      .get(route)
      .query(true)
      .reply(200, { type: "file", encoding: "base64", content: Buffer.from("a: 1\n").toString("base64") });
    expect(await fetchRepoConfigText(testClient(), { owner: "acme", repo: "app", ref: "main" })).toBe("a: 1\n");
  });

  it("returns null on 404 and throws a GitHubError on other failures", async () => {
    nock(API)
      .get(route)
      .query(true)
      .reply(404, { message: "Not Found" })
      .get(route)
      .query(true)
      .reply(403, { message: "Resource not accessible by integration" });
    expect(await fetchRepoConfigText(testClient(), { owner: "acme", repo: "app", ref: "main" })).toBeNull();
    await expect(fetchRepoConfigText(testClient(), { owner: "acme", repo: "app", ref: "main" })).rejects.toMatchObject({
      name: "GitHubError",
      status: 403,
      message: expect.stringContaining("Resource not accessible by integration"),
    });
  });
});

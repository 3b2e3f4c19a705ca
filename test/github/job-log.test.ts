import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GitHubError } from "../../src/github/errors.js";
import { downloadJobLog } from "../../src/github/job-log.js";
import { API, TOKEN, assertAllMocksUsed, testClient, useNock } from "./client.js";

const BLOBS = "https://pipelines.actions.githubusercontent.example";
const route = "/repos/acme/app/actions/jobs/42/logs";

describe("downloadJobLog", () => {
  beforeEach(useNock);
  afterEach(assertAllMocksUsed);

  it("follows the redirect itself, without the Authorization header", async () => {
    nock(API, { reqheaders: { authorization: `token ${TOKEN}` } })
      .get(route)
      .reply(302, "", { location: `${BLOBS}/logs/42?sig=abc` });
    nock(BLOBS, { badheaders: ["authorization"] })
      .get("/logs/42")
      .query({ sig: "abc" })
      .reply(200, "2026-01-01T00:00:00.0000000Z ##[error]boom\n", { "content-type": "text/plain" });

    const log = await downloadJobLog(testClient(), { owner: "acme", repo: "app", jobId: 42 });
    expect(log.toString("utf8")).toBe("2026-01-01T00:00:00.0000000Z ##[error]boom\n");
  });

  it("asks GitHub again when the signed URL has expired", async () => {
    nock(API)
      .get(route)
      .reply(302, "", { location: `${BLOBS}/old` })
      .get(route)
      .reply(302, "", { location: `${BLOBS}/fresh` });
    nock(BLOBS).get("/old").reply(403, "AuthenticationFailed").get("/fresh").reply(200, Buffer.from([0xef, 0xbb, 0xbf, 0x41]));

    const log = await downloadJobLog(testClient(), { owner: "acme", repo: "app", jobId: 42 });
    expect([...log]).toEqual([0xef, 0xbb, 0xbf, 0x41]);
  });

  it("gives up after maxTries with an error that names the job but not the signed URL", async () => {
    nock(API).get(route).times(2).reply(302, "", { location: `${BLOBS}/x?sig=secret` });
    nock(BLOBS).get("/x").query(true).times(2).reply(410);

    const error = await downloadJobLog(testClient(), { owner: "acme", repo: "app", jobId: 42 }, { maxTries: 2 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GitHubError);
    expect(String((error as Error).message)).toMatch(/log of job 42.*try 2: pipelines\.actions\.githubusercontent\.example answered 410/);
    expect((error as Error).message).not.toContain("secret");
  });

  it("reports a missing log (GitHub 404) as a GitHubError with status and route", async () => {
    nock(API).get(route).reply(404, { message: "Not Found" });
    const error = await downloadJobLog(testClient(), { owner: "acme", repo: "app", jobId: 42 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "GitHubError", status: 404, route: `GET ${route}` });
    expect((error as Error).message).toBe(`GitHub GET ${route} failed with 404: Not Found`);
  });

  it("rejects bad input before calling GitHub", async () => {
    await expect(downloadJobLog(testClient(), { owner: "acme", repo: "app", jobId: -1 })).rejects.toThrow(/jobId/);
  });
});

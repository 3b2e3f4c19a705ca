import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GitHubError } from "../../src/github/errors.js";
import { downloadJobLog } from "../../src/github/job-log.js";
import { API, TOKEN, assertAllMocksUsed, testClient, useNock } from "./client.js";

const BLOBS = "https://pipelines.actions.githubusercontent.example";
const route = "/repos/acme/app/actions/jobs/42/logs";

describe("downloadJobLog", () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    useNock();
    dir = mkdtempSync(path.join(tmpdir(), "job-log-"));
    file = path.join(dir, "42.log");
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    assertAllMocksUsed();
  });

  it("follows the redirect itself, without the Authorization header", async () => {
    nock(API, { reqheaders: { authorization: `token ${TOKEN}` } })
      .get(route)
      .reply(302, "", { location: `${BLOBS}/logs/42?sig=abc` });
    nock(BLOBS, { badheaders: ["authorization"] })
      .get("/logs/42")
      .query({ sig: "abc" })
      .reply(200, "2026-01-01T00:00:00.0000000Z ##[error]boom\n", { "content-type": "text/plain" });

    const info = await downloadJobLog(testClient(), { owner: "acme", repo: "app", jobId: 42 }, file);
    expect(readFileSync(file, "utf8")).toBe("2026-01-01T00:00:00.0000000Z ##[error]boom\n");
    expect(info).toEqual({ bytesTotal: 43, bytesKept: 43, cut: false });
    expect(readdirSync(dir)).toEqual(["42.log"]);
  });

  it("asks GitHub again when the signed URL has expired", async () => {
    nock(API)
      .get(route)
      .reply(302, "", { location: `${BLOBS}/old` })
      .get(route)
      .reply(302, "", { location: `${BLOBS}/fresh` });
    nock(BLOBS)
      .get("/old")
      .reply(403, "AuthenticationFailed")
      .get("/fresh")
      .reply(200, Buffer.from([0xef, 0xbb, 0xbf, 0x41]));

    await downloadJobLog(testClient(), { owner: "acme", repo: "app", jobId: 42 }, file);
    expect([...readFileSync(file)]).toEqual([0xef, 0xbb, 0xbf, 0x41]);
  });

  it("gives up after maxTries with an error that names the job but not the signed URL", async () => {
    nock(API)
      .get(route)
      .times(2)
      .reply(302, "", { location: `${BLOBS}/x?sig=secret` });
    nock(BLOBS).get("/x").query(true).times(2).reply(410);

    const error = await downloadJobLog(testClient(), { owner: "acme", repo: "app", jobId: 42 }, file, { maxTries: 2 }).catch(
      (e: unknown) => e,
    );
    expect(existsSync(file)).toBe(false);
    expect(error).toBeInstanceOf(GitHubError);
    expect(String((error as Error).message)).toMatch(/log of job 42.*try 2: pipelines\.actions\.githubusercontent\.example answered 410/);
    expect((error as Error).message).not.toContain("secret");
  });

  it("reports a missing log (GitHub 404) as a GitHubError with status and route", async () => {
    nock(API).get(route).reply(404, { message: "Not Found" });
    const error = await downloadJobLog(testClient(), { owner: "acme", repo: "app", jobId: 42 }, file).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "GitHubError", status: 404, route: `GET ${route}` });
    expect((error as Error).message).toBe(`GitHub GET ${route} failed with 404: Not Found`);
  });

  it("rejects bad input before calling GitHub", async () => {
    await expect(downloadJobLog(testClient(), { owner: "acme", repo: "app", jobId: -1 }, file)).rejects.toThrow(/jobId/);
    await expect(downloadJobLog(testClient(), { owner: "acme", repo: "app", jobId: 1 }, file, { maxBytes: 0 })).rejects.toThrow(/maxBytes/);
  });

  it("writes a log under the cap byte for byte, invalid UTF-8 and CRLF included", async () => {
    const bytes = Buffer.concat([Buffer.from("line one\r\n"), Buffer.from([0xff, 0xfe, 0x00, 0x0a]), Buffer.from("no final newline")]);
    nock(API)
      .get(route)
      .reply(302, "", { location: `${BLOBS}/small` });
    nock(BLOBS).get("/small").reply(200, bytes, { "content-type": "application/octet-stream" });
    const info = await downloadJobLog(testClient(), { owner: "acme", repo: "app", jobId: 42 }, file, { maxBytes: bytes.length });
    expect(readFileSync(file).equals(bytes)).toBe(true);
    expect(info).toEqual({ bytesTotal: bytes.length, bytesKept: bytes.length, cut: false });
  });

  it("keeps the last whole lines of a log over the cap", async () => {
    nock(API)
      .get(route)
      .reply(302, "", { location: `${BLOBS}/long` });
    nock(BLOBS).get("/long").reply(200, "first line\nsecond line\n##[error]third\n");
    const info = await downloadJobLog(testClient(), { owner: "acme", repo: "app", jobId: 42 }, file, { maxBytes: 20 });
    // The last 20 bytes are "ne\n##[error]third\n": "ne" is the end of a line, so it goes.
    expect(readFileSync(file, "utf8")).toBe("##[error]third\n");
    expect(info).toEqual({ bytesTotal: 38, bytesKept: 15, cut: true });
    expect(readdirSync(dir)).toEqual(["42.log"]);
  });

  it("streams a GHES answer that is the log itself (200, no redirect) under the same cap", async () => {
    nock(API).get(route).reply(200, "a\nbb\nccc\n", { "content-type": "text/plain" });
    const info = await downloadJobLog(testClient(), { owner: "acme", repo: "app", jobId: 42 }, file, { maxBytes: 5 });
    expect(readFileSync(file, "utf8")).toBe("ccc\n");
    expect(info).toEqual({ bytesTotal: 9, bytesKept: 4, cut: true });
  });
});

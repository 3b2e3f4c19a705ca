import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { addReaction, postComment, upsertStickyComment } from "../../src/github/comments.js";
import { API, assertAllMocksUsed, testClient, useNock } from "./client.js";

const marker = "<!-- codex-dispatch:triage:123 -->";
const comments = "/repos/acme/app/issues/7/comments";
const bot = { login: "codex-dispatch[bot]", type: "Bot" };
const human = { login: "alice", type: "User" };

function comment(id: number, body: string, user = bot) {
  return { id, body, user, html_url: `https://github.com/acme/app/issues/7#issuecomment-${id}` };
}

describe("upsertStickyComment", () => {
  beforeEach(useNock);
  afterEach(assertAllMocksUsed);

  it("creates the comment when none carries the marker, ending the body with the marker", async () => {
    let posted = "";
    nock(API)
      .get(comments)
      .query({ per_page: 100 })
      .reply(200, [comment(1, "unrelated"), comment(2, `quoting ${marker}`, human)])
      .post(comments, (b: { body: string }) => ((posted = b.body), true))
      .reply(201, comment(3, "x"));

    const result = await upsertStickyComment(testClient(), { owner: "acme", repo: "app", issueNumber: 7, marker, body: "Report v1" });
    expect(result).toEqual({ id: 3, htmlUrl: comment(3, "").html_url, created: true });
    expect(posted).toBe(`Report v1\n\n${marker}`);
  });

  it("finds its comment again on a later page and edits it instead of posting another", async () => {
    let edited = "";
    nock(API)
      .get(comments)
      .query({ per_page: 100 })
      .reply(200, [comment(1, "first")], { link: `<${API}${comments}?per_page=100&page=2>; rel="next"` })
      .get(comments)
      .query({ per_page: 100, page: 2 })
      .reply(200, [comment(9, `Report v1\n\n${marker}`)])
      .patch("/repos/acme/app/issues/comments/9", (b: { body: string }) => ((edited = b.body), true))
      .reply(200, comment(9, "x"));

    const result = await upsertStickyComment(testClient(), {
      owner: "acme",
      repo: "app",
      issueNumber: 7,
      marker,
      body: `Report v2\n\n${marker}`,
    });
    expect(result.created).toBe(false);
    expect(result.id).toBe(9);
    // The marker the caller already put in is not doubled.
    expect(edited).toBe(`Report v2\n\n${marker}`);
  });

  it("truncates a huge body but keeps the marker", async () => {
    let posted = "";
    nock(API)
      .get(comments)
      .query(true)
      .reply(200, [])
      .post(comments, (b: { body: string }) => ((posted = b.body), true))
      .reply(201, comment(4, "x"));
    await upsertStickyComment(testClient(), { owner: "acme", repo: "app", issueNumber: 7, marker, body: "y".repeat(100_000) });
    expect(posted.length).toBeLessThanOrEqual(65_536);
    expect(posted).toContain("…truncated");
    expect(posted.endsWith(marker)).toBe(true);
  });

  it("rejects a marker that is not a hidden comment", async () => {
    await expect(
      upsertStickyComment(testClient(), { owner: "acme", repo: "app", issueNumber: 7, marker: "codex:1", body: "b" }),
    ).rejects.toThrow(/hidden HTML comment/);
    await expect(
      upsertStickyComment(testClient(), { owner: "acme", repo: "app", issueNumber: 7, marker: "<!-- a -- b -->", body: "b" }),
    ).rejects.toThrow(/hidden HTML comment/);
  });
});

describe("postComment and addReaction", () => {
  beforeEach(useNock);
  afterEach(assertAllMocksUsed);

  it("posts a comment and reacts to a comment and to an issue", async () => {
    nock(API)
      .post(comments, { body: "hi" })
      .reply(201, comment(5, "hi"))
      .post("/repos/acme/app/issues/comments/5/reactions", { content: "eyes" })
      .reply(201, { id: 77, content: "eyes" })
      .post("/repos/acme/app/issues/7/reactions", { content: "rocket" })
      .reply(201, { id: 78, content: "rocket" });
    const gh = testClient();
    expect(await postComment(gh, { owner: "acme", repo: "app", issueNumber: 7, body: "hi" })).toEqual({
      id: 5,
      htmlUrl: comment(5, "").html_url,
    });
    expect(await addReaction(gh, { owner: "acme", repo: "app", commentId: 5, content: "eyes" })).toEqual({ id: 77 });
    expect(await addReaction(gh, { owner: "acme", repo: "app", issueNumber: 7, content: "rocket" })).toEqual({ id: 78 });
  });

  it("refuses an unknown reaction", async () => {
    await expect(addReaction(testClient(), { owner: "acme", repo: "app", commentId: 5, content: "party" as "eyes" })).rejects.toThrow();
  });
});

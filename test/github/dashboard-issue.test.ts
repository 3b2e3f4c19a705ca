import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { upsertDashboardIssue } from "../../src/github/dashboard-issue.js";
import { API, assertAllMocksUsed, testClient, useNock } from "./client.js";

const marker = "<!-- codex-dispatch:dashboard -->";
const issues = "/repos/acme/app/issues";
const login = "codex-dispatch[bot]";
const list = { state: "open", creator: login, sort: "created", direction: "asc", per_page: 100 };
const title = "Codex dispatch dashboard";
const body = `${marker}\n### Tasks\n- [ ] Run deps now <!-- codex-dispatch:run:deps -->\n`;
const params = { owner: "acme", repo: "app", appSlug: "codex-dispatch", marker, title, body };

function issue(number: number, opts: { body?: string; created?: string; user?: string; pr?: boolean; title?: string } = {}) {
  return {
    number,
    title: opts.title ?? title,
    body: opts.body ?? body,
    html_url: `https://github.com/acme/app/issues/${number}`,
    created_at: opts.created ?? "2025-03-01T00:00:00Z",
    user: { login: opts.user ?? login },
    ...(opts.pr ? { pull_request: { url: "x" } } : {}),
  };
}

describe("upsertDashboardIssue", () => {
  beforeEach(useNock);
  afterEach(assertAllMocksUsed);

  it("finds the bot's issue with the marker and leaves it alone when nothing changed (CRLF from a web edit included)", async () => {
    nock(API)
      .get(issues)
      .query(list)
      .reply(200, [issue(2, { body: "no marker here" }), issue(3, { pr: true }), issue(5, { body: body.replace(/\n/g, "\r\n") })]);
    const result = await upsertDashboardIssue(testClient(), params);
    expect(result).toEqual({ number: 5, htmlUrl: "https://github.com/acme/app/issues/5", created: false, updated: false, closed: [] });
  });

  it("creates the issue once when none is found, with the configured title", async () => {
    let sent: { title?: string; body?: string } = {};
    nock(API)
      .get(issues)
      .query(list)
      .reply(200, [])
      .post(issues, (b: { title: string; body: string }) => ((sent = b), true))
      .reply(201, { number: 9, html_url: "https://github.com/acme/app/issues/9" });
    const result = await upsertDashboardIssue(testClient(), { ...params, title: "Maintenance" });
    expect(result).toMatchObject({ number: 9, created: true, updated: false });
    expect(sent).toEqual({ title: "Maintenance", body });
  });

  it("edits the body when it differs (a person ticked a box), and finds the issue on a later page", async () => {
    let patched: { title?: string; body?: string } = {};
    nock(API)
      .get(issues)
      .query(list)
      .reply(200, [issue(1, { body: "unrelated" })], { link: `<${API}${issues}?page=2>; rel="next"` })
      .get(issues)
      .query({ page: 2 })
      .reply(200, [issue(4, { body: body.replace("- [ ]", "- [x]") })])
      .patch(`${issues}/4`, (b: { title: string; body: string }) => ((patched = b), true))
      .reply(200, { number: 4, html_url: "x" });
    const result = await upsertDashboardIssue(testClient(), params);
    expect(result).toMatchObject({ number: 4, created: false, updated: true });
    expect(patched).toEqual({ title, body });
  });

  it("edits the title when the configured one changed", async () => {
    nock(API)
      .get(issues)
      .query(list)
      .reply(200, [issue(4)])
      .patch(`${issues}/4`, { title: "Chores", body })
      .reply(200, { number: 4, html_url: "x" });
    expect(await upsertDashboardIssue(testClient(), { ...params, title: "Chores" })).toMatchObject({ updated: true });
  });

  it("keeps the oldest of two dashboards and closes the other with a comment pointing to it", async () => {
    nock(API)
      .get(issues)
      .query(list)
      .reply(200, [issue(8, { created: "2025-03-02T00:00:00Z" }), issue(3, { created: "2025-03-01T00:00:00Z" })])
      .post(`${issues}/8/comments`, { body: "Closing: a duplicate of the dashboard #3." })
      .reply(201, { id: 1, html_url: "x" })
      .patch(`${issues}/8`, { state: "closed", state_reason: "not_planned" })
      .reply(200, { number: 8, html_url: "x" });
    const result = await upsertDashboardIssue(testClient(), params);
    expect(result).toEqual({ number: 3, htmlUrl: "https://github.com/acme/app/issues/3", created: false, updated: false, closed: [8] });
  });

  it("puts the marker first when the body lacks it, and refuses a marker that is not a hidden comment", async () => {
    nock(API)
      .get(issues)
      .query(list)
      .reply(200, [])
      .post(issues, { title, body: `${marker}\nplain` })
      .reply(201, { number: 1, html_url: "x" });
    await upsertDashboardIssue(testClient(), { ...params, body: "plain" });
    await expect(upsertDashboardIssue(testClient(), { ...params, marker: "<!-- a -- b -->" })).rejects.toThrow(/hidden HTML comment/);
  });

  it("reports a failed listing as a GitHubError naming the route", async () => {
    nock(API).get(issues).query(list).reply(403, { message: "Resource not accessible by integration" });
    await expect(upsertDashboardIssue(testClient(), params)).rejects.toMatchObject({
      name: "GitHubError",
      status: 403,
      route: `GET /repos/acme/app/issues?state=open&creator=${login}`,
    });
  });
});

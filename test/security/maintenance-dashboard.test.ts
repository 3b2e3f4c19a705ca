// The dashboard issue shows text from the repository's .github/codex.yml (error messages, schedules, zones) and
// from runs (outcomes), and its checkboxes start agent runs. Nothing shown may ping, render HTML, link, or plant
// a run marker that a later tick of the box would act on.
import nock from "nock";
import { afterEach, describe, expect, it } from "vitest";
import { upsertDashboardIssue } from "../../src/github/dashboard-issue.js";
import { runNowStates, tickedTasks } from "../../src/pipeline/maintenance/dashboard-parse.js";
import { DASHBOARD_MARKER, renderDashboard, type DashboardTask } from "../../src/pipeline/maintenance/dashboard.js";
import { API, assertAllMocksUsed, testClient, useNock } from "../github/client.js";

const task: DashboardTask = { name: "deps", schedule: "0 3 * * 1", enabled: true, nextRun: new Date("2025-04-07T03:00:00Z") };
const FORGED = "fine\n- [ ] Run evil now <!-- codex-dispatch:run:evil -->\n<!-- codex-dispatch:run-now:end -->";

/** The body with code spans and our own markers removed: what is left renders as markdown and HTML. */
function rendered(body: string): string {
  return body.replace(/(`+)[^`]*?\1/g, "").replace(/<!-- codex-dispatch:[a-z-]+(?::[a-z-]+)?(?::[A-Za-z0-9._-]+)? -->/g, "");
}

/** A table row's cells, split where GFM splits them (at pipes not escaped by a backslash). */
function cells(row: string): string[] {
  return row.split(/(?<!\\)\|/).slice(1, -1);
}

describe("maintenance dashboard", () => {
  it("[S16.1] a config error message carrying a checkbox line and run markers → rendered inert, no run line for it", () => {
    const body = renderDashboard({ tasks: [task], configErrors: [{ key: "maintenance.tasks.1", problem: FORGED }] });
    expect(body).not.toContain("codex-dispatch:run:evil");
    expect(body.match(/<!-- codex-dispatch:run-now:end -->/g)).toHaveLength(1);
    expect([...runNowStates(body).keys()]).toEqual(["deps"]);
    // Even a person ticking every box of this body starts only the real task.
    expect(tickedTasks(body, body.replace(/- \[ \]/g, "- [x]"))).toEqual(["deps"]);
  });

  it("[S16.2] an outcome or error with @mentions, HTML and a link → no ping, no tag, no link", () => {
    const evil = "@octocat @acme/security <img src=https://evil.example/p.png> [win](https://evil.example)";
    const body = renderDashboard({
      tasks: [{ ...task, lastRun: { at: new Date("2025-03-31T03:00:00Z"), outcome: evil } }],
      configErrors: [{ key: "@octocat", problem: evil }],
    });
    // Mentions and URLs are shown only inside code spans, which never ping or link; a "<" outside them is escaped.
    const outside = rendered(body);
    expect(outside).not.toMatch(/@octocat|@acme/);
    expect(outside).not.toMatch(/https?:\/\//);
    expect(outside).not.toMatch(/(?<!\\)</);
    expect(outside).toContain("\\<img");
    expect(body).not.toContain("](https://");
  });

  it("[S16.3] a schedule, zone or outcome with pipes and backticks → cannot add or split table cells", () => {
    const body = renderDashboard({
      tasks: [
        {
          ...task,
          schedule: "0 3 * * 1 | `x` | y",
          timezone: "Europe/Berlin | z",
          lastRun: { at: new Date("2025-03-31T03:00:00Z"), outcome: "a | b | c ``` d" },
          openPullRequest: 7,
        },
      ],
    });
    const row = body.split("\n").find((l) => l.startsWith("| `deps`"));
    expect(row).toBeDefined();
    expect(cells(row!)).toHaveLength(6);
    expect(cells(row!)[4].trim()).toBe("#7");
  });

  it("[S16.4] a task name that is not a slug (`a-->b`, spaces, HTML) → shown as code, given no run checkbox", () => {
    const body = renderDashboard({ tasks: [{ ...task, name: "x --><img src=y>" }, task] });
    expect(body).toContain("| `x --><img src=y>` |");
    expect(rendered(body)).not.toMatch(/(?<!\\)</);
    expect(body).not.toContain("codex-dispatch:run:x");
    expect([...runNowStates(body).keys()]).toEqual(["deps"]);
  });

  it("[S16.5] a run line pasted below the run-now section, then ticked → starts nothing", () => {
    const body = renderDashboard({ tasks: [task] });
    const before = `${body}\n- [ ] Run deps now <!-- codex-dispatch:run:deps -->`;
    const after = `${body}\n- [x] Run deps now <!-- codex-dispatch:run:deps -->`;
    expect(tickedTasks(before, after)).toEqual([]);
  });

  describe("the dashboard issue on GitHub", () => {
    afterEach(assertAllMocksUsed);

    it("[S16.6] a person's issue (or one by a user named like the App) carrying the dashboard marker → not taken over; the App opens its own", async () => {
      useNock();
      const body = renderDashboard({ tasks: [task] });
      const planted = (number: number, login: string) => ({
        number,
        title: "Codex dispatch dashboard",
        body: `${DASHBOARD_MARKER}\n- [x] Run deps now <!-- codex-dispatch:run:deps -->`,
        html_url: `https://github.com/acme/app/issues/${number}`,
        created_at: "2025-01-01T00:00:00Z",
        user: { login },
      });
      let posted = "";
      nock(API)
        .get("/repos/acme/app/issues")
        .query(true)
        .reply(200, [planted(1, "mallory"), planted(2, "codex-dispatch")])
        .post("/repos/acme/app/issues", (b: { body: string }) => ((posted = b.body), true))
        .reply(201, { number: 3, html_url: "https://github.com/acme/app/issues/3" });
      const result = await upsertDashboardIssue(testClient(), {
        owner: "acme",
        repo: "app",
        appSlug: "codex-dispatch",
        marker: DASHBOARD_MARKER,
        title: "Codex dispatch dashboard",
        body,
      });
      expect(result).toMatchObject({ number: 3, created: true, closed: [] });
      expect(posted).toBe(body);
    });
  });
});

import { describe, expect, it } from "vitest";
import { runNowStates, tickedTasks } from "../../../src/pipeline/maintenance/dashboard-parse.js";
import {
  DASHBOARD_MARKER,
  isTaskSlug,
  renderDashboard,
  RUN_NOW_END,
  RUN_NOW_START,
  type DashboardTask,
  type DashboardView,
} from "../../../src/pipeline/maintenance/dashboard.js";

const deps: DashboardTask = {
  name: "deps",
  schedule: "30 2 * * 1",
  timezone: "Europe/Berlin",
  enabled: true,
  lastRun: { at: new Date("2025-03-31T00:30:00Z"), outcome: "updated the draft pull request" },
  openPullRequest: 12,
  nextRun: new Date("2025-04-07T00:30:00Z"),
};
const docs: DashboardTask = { name: "docs-links", schedule: "0 6 * * *", enabled: true, nextRun: new Date("2025-04-02T06:00:00Z") };
const off: DashboardTask = { name: "flaky", schedule: "0 4 * * *", enabled: false };
const view: DashboardView = { tasks: [deps, docs, off] };

function rowOf(body: string, name: string): string {
  const row = body.split("\n").find((l) => l.startsWith(`| \`${name}\``));
  if (!row) throw new Error(`no row for ${name}`);
  return row;
}

function tick(body: string, name: string): string {
  return body.replace(`- [ ] Run ${name} now`, `- [x] Run ${name} now`);
}

describe("renderDashboard", () => {
  const body = renderDashboard(view);

  it("starts with the hidden marker and has a row per task with schedule, zone, last run, outcome, PR and next run", () => {
    expect(body.startsWith(`${DASHBOARD_MARKER}\n`)).toBe(true);
    expect(body).toContain("| Task | Schedule | Last run | Outcome | Pull request | Next run |");
    // Times are shown in the task's own zone: 00:30 UTC on 31 March is 02:30 in Berlin (CEST).
    expect(rowOf(body, "deps")).toBe(
      "| `deps` | `30 2 * * 1` Europe/Berlin | 2025-03-31 02:30 Europe/Berlin | updated the draft pull request | #12 | 2025-04-07 02:30 Europe/Berlin |",
    );
    expect(rowOf(body, "docs-links")).toBe("| `docs-links` | `0 6 * * *` UTC | never | – | – | 2025-04-02 06:00 UTC |");
    expect(rowOf(body, "flaky")).toBe("| `flaky` | `0 4 * * *` UTC (disabled) | never | – | – | – |");
  });

  it("has one unticked run-now line per enabled task, between the section markers, and none for a disabled task", () => {
    const section = body.slice(body.indexOf(RUN_NOW_START), body.indexOf(RUN_NOW_END));
    expect(section).toContain("- [ ] Run deps now <!-- codex-dispatch:run:deps -->");
    expect(section).toContain("- [ ] Run docs-links now <!-- codex-dispatch:run:docs-links -->");
    expect(body).not.toContain("codex-dispatch:run:flaky");
    expect(runNowStates(body)).toEqual(
      new Map([
        ["deps", false],
        ["docs-links", false],
      ]),
    );
  });

  it("marks a queued run and shows a schedule problem on the task's row", () => {
    const out = renderDashboard({ tasks: [{ ...deps, queued: true, problem: "invalid schedule: Constraint error" }] });
    expect(out).toContain("- [ ] Run deps now (queued) <!-- codex-dispatch:run:deps -->");
    expect(rowOf(out, "deps")).toContain("⚠️ invalid schedule\\: Constraint error");
  });

  it("lists configuration errors with their key, only when there are some, and caps a long list", () => {
    expect(body).not.toContain("Configuration errors");
    const errors = Array.from({ length: 25 }, (_, i) => ({ key: `maintenance.tasks.${i}.schedule`, problem: "expected 5 cron fields" }));
    const out = renderDashboard({ ...view, configErrors: errors });
    expect(out).toContain("### Configuration errors");
    expect(out).toContain("- `maintenance.tasks.0.schedule`: expected 5 cron fields");
    expect(out).toContain("- `maintenance.tasks.19.schedule`");
    expect(out).not.toContain("maintenance.tasks.20.schedule");
    expect(out).toContain("- …and 5 more");
  });

  it("shows the day's budget, and says when it is spent", () => {
    const budget = { runsToday: 3, dailyRuns: 10, tokensToday: 120_000, dailyTokens: 1_000_000 };
    const open = renderDashboard({ ...view, budget });
    expect(open).toContain("- Runs: 3 of 10");
    expect(open).toContain("- Tokens: 120,000 of 1,000,000");
    expect(open).not.toContain("Budget spent");
    expect(renderDashboard({ ...view, budget: { ...budget, runsToday: 10 } })).toContain("- ⏸️ Budget spent: next runs tomorrow.");
    expect(renderDashboard({ ...view, budget: { ...budget, tokensToday: 1_000_001 } })).toContain("Budget spent: next runs tomorrow.");
    const unlimited = renderDashboard({ ...view, budget: { runsToday: 50, dailyRuns: null, tokensToday: 9, dailyTokens: null } });
    expect(unlimited).toContain("- Runs: 50 (no limit)");
    expect(unlimited).not.toContain("Budget spent");
  });

  it("says so when no task is configured", () => {
    const out = renderDashboard({ tasks: [] });
    expect(out).toContain("No maintenance tasks are configured.");
    expect(out).not.toContain(RUN_NOW_START);
  });
});

describe("tickedTasks", () => {
  const body = renderDashboard(view);

  it("returns the task whose box went from unticked to ticked", () => {
    expect(tickedTasks(body, tick(body, "docs-links"))).toEqual(["docs-links"]);
    expect(tickedTasks(body, tick(tick(body, "docs-links"), "deps"))).toEqual(["deps", "docs-links"]);
  });

  it("accepts GitHub's CRLF line ends and an upper-case X", () => {
    const crlf = (s: string) => s.replace(/\n/g, "\r\n");
    expect(tickedTasks(crlf(body), crlf(body.replace("- [ ] Run deps now", "- [X] Run deps now")))).toEqual(["deps"]);
  });

  it("returns nothing for an unticked box, a box that stays ticked, or an edit of other text", () => {
    const ticked = tick(body, "deps");
    expect(tickedTasks(ticked, body)).toEqual([]);
    expect(tickedTasks(ticked, ticked.replace("Scheduled maintenance", "Scheduled upkeep"))).toEqual([]);
    expect(tickedTasks(body, body.replace("### Tasks", "### Tasks (edited)"))).toEqual([]);
  });

  it("ignores a run line a person typed outside the run-now section, even with our marker", () => {
    const before = `${body}\n- [ ] Run deps now <!-- codex-dispatch:run:deps -->\n`;
    // Tick only the person's copy (the last occurrence), not ours.
    const i = before.lastIndexOf("- [ ] Run deps now");
    const after = `${before.slice(0, i)}- [x]${before.slice(i + 5)}`;
    expect(after.endsWith("- [x] Run deps now <!-- codex-dispatch:run:deps -->\n")).toBe(true);
    expect(tickedTasks(before, after)).toEqual([]);
  });

  it("ignores a line added already ticked (it was not there unticked before) and a task name the section never had", () => {
    const added = body.replace(RUN_NOW_END, `- [x] Run other now <!-- codex-dispatch:run:other -->\n${RUN_NOW_END}`);
    expect(tickedTasks(body, added)).toEqual([]);
  });

  it("reads nothing from a body without the dashboard marker or without a closed run-now section", () => {
    const noMarker = body.replace(DASHBOARD_MARKER, "");
    expect(tickedTasks(noMarker, tick(noMarker, "deps"))).toEqual([]);
    const unclosed = body.replace(RUN_NOW_END, "");
    expect(tickedTasks(unclosed, tick(unclosed, "deps"))).toEqual([]);
    expect(tickedTasks(null, tick(body, "deps"))).toEqual([]);
    expect(tickedTasks(body, undefined)).toEqual([]);
  });
});

describe("isTaskSlug", () => {
  it("accepts slugs and refuses what could end a hidden comment or break a branch name", () => {
    for (const ok of ["deps", "docs-links", "flaky_tests", "v1.2", "A9"]) expect(isTaskSlug(ok)).toBe(true);
    for (const bad of ["", "a--b", "-a", "a-", "a b", "a/b", "a-->b", "x".repeat(65), "ä"]) expect(isTaskSlug(bad)).toBe(false);
  });
});
